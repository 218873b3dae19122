// One file per layer type (see ./layer.ts for what each holds) and the registry of them all.
export * from './layer.js';
export { lowerPadding, windowOutput, type Window } from './window.js';
export * from './registry.js';
export {
  activation,
  activationDefinition,
  lowerActivation,
  type ActivationLayer,
  type ActivationName,
} from './activation.js';
export { add, addDefinition, type AddLayer } from './add.js';
export {
  batchNorm,
  batchNormalizationDefinition,
  type BatchNormalizationLayer,
} from './batch-normalization.js';
export { concatenate, concatenateDefinition, type ConcatenateLayer } from './concatenate.js';
export { conv2d, conv2dDefinition, type Conv2DLayer, type ConvOptions } from './conv-2d.js';
export { dense, denseDefinition, type DenseLayer } from './dense.js';
export {
  depthwiseConv2d,
  depthwiseConv2dDefinition,
  type DepthwiseConv2DLayer,
} from './depthwise-conv-2d.js';
export { dropout, dropoutDefinition, type DropoutLayer } from './dropout.js';
export { flatten, flattenDefinition, type FlattenLayer } from './flatten.js';
export {
  globalAveragePool,
  globalAveragePooling2dDefinition,
  type GlobalAveragePooling2DLayer,
} from './global-average-pooling-2d.js';
export { multiply, multiplyDefinition, type MultiplyLayer } from './multiply.js';
export { normalization, normalizationDefinition, type NormalizationLayer } from './normalization.js';
export {
  averagePool,
  averagePooling2dDefinition,
  maxPool,
  maxPooling2dDefinition,
  type AveragePooling2DLayer,
  type MaxPooling2DLayer,
  type PoolingOptions,
} from './pooling.js';
export { rescaling, rescalingDefinition, type RescalingLayer } from './rescaling.js';
export { reshape, reshapeDefinition, type ReshapeLayer } from './reshape.js';
export {
  separableConv2d,
  separableConv2dDefinition,
  type SeparableConv2DLayer,
} from './separable-conv-2d.js';
export { zeroPadding, zeroPadding2dDefinition, type ZeroPadding2DLayer } from './zero-padding-2d.js';
