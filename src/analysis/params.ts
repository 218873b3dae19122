// Parameter counts in both conventions: Keras (total includes BatchNormalization's moving mean and
// variance as non-trainable params) and PyTorch-style (trainable tensors only; moving statistics are
// buffers, not parameters). Each layer type lists its weights in src/layers.
import { countParams, layerWeights, type Layer, type ParamCount } from '../layers/index.js';

export const NO_PARAMS: ParamCount = { total: 0, trainable: 0, nonTrainable: 0 };

export function layerParams(layer: Layer, inChannels: number): ParamCount {
  return countParams(layerWeights(layer, inChannels));
}

export function addParams(a: ParamCount, b: ParamCount): ParamCount {
  return {
    total: a.total + b.total,
    trainable: a.trainable + b.trainable,
    nonTrainable: a.nonTrainable + b.nonTrainable,
  };
}
