// Modules and layers with Keras semantics on the libtorch engine.
export { Module, Sequential, StateDictError, releaseIntermediate, type ParameterCounts } from './module.js';
export { Conv2D, Convolution, DepthwiseConv2D, SeparableConv2D, type ConvOptions } from './conv.js';
export { foldBatchNorms } from './fold-batchnorm.js';
export {
  Dense,
  BatchNormalization,
  Activation,
  MaxPooling2D,
  AveragePooling2D,
  GlobalAveragePooling2D,
  Dropout,
  Rescaling,
  ZeroPadding2D,
  Normalization,
  type BatchNormalizationOptions,
} from './layers.js';
export { activate, relu6FromRelu, type ActivationKind } from './activation.js';
export { Merge, Unflatten, type MergeKind } from './merge.js';
export { initialize, type Initializer } from './init.js';
export { saveWeights, loadWeights } from './state.js';
