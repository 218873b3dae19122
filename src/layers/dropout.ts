// Dropout: inverted dropout, active in training only. 'per-sample' drops a whole sample's tensor at
// once (Keras noise_shape=(None, 1, 1, 1), used by EfficientNetV2 before its residual adds).
import { Dropout } from '../nn/index.js';
import { KEEPS_NOTHING, type LayerDefinition } from './layer.js';

export interface DropoutLayer {
  kind: 'Dropout';
  name: string;
  rate: number;
  noiseShape: 'elementwise' | 'per-sample';
}

export function dropout(
  name: string,
  rate: number,
  noiseShape: DropoutLayer['noiseShape'] = 'elementwise',
): DropoutLayer {
  return { kind: 'Dropout', name, rate, noiseShape };
}

export const dropoutDefinition: LayerDefinition<DropoutLayer> = {
  kind: 'Dropout',
  outputShape: (_layer, input) => input,
  weights: () => [],
  lower: (layer, x, lowering, output) =>
    layer.rate > 0
      ? lowering.emit('dropout', [x], output, { perSample: layer.noiseShape === 'per-sample' })
      : x,
  build: (layer) => new Dropout(layer.rate, layer.noiseShape === 'per-sample'),
  /** Inference mode: the identity. */
  onnx: (_layer, x) => x,
  // On CPU libtorch computes input * (bernoulli mask / (1 - p)) and keeps the float mask (none per sample).
  ops: { dropout: { ...KEEPS_NOTHING, bytesPerOutputElement: 4 } },
};
