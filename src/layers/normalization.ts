// Normalization: Keras' Normalization with fixed statistics (no weights),
// y = (x - mean[c]) / max(sqrt(variance[c]), 1e-7).
import { Normalization } from '../nn/index.js';
import { channelsOf, KEEPS_NOTHING, ShapeError, type LayerDefinition } from './layer.js';

export interface NormalizationLayer {
  kind: 'Normalization';
  name: string;
  mean: number[];
  variance: number[];
}

export function normalization(name: string, mean: number[], variance: number[]): NormalizationLayer {
  return { kind: 'Normalization', name, mean: [...mean], variance: [...variance] };
}

export const normalizationDefinition: LayerDefinition<NormalizationLayer> = {
  kind: 'Normalization',
  outputShape(layer, input) {
    const c = channelsOf(input);
    if (layer.mean.length !== c || layer.variance.length !== c)
      throw new ShapeError(
        `${layer.name} has statistics for ${layer.mean.length} channels, its input has ${c}`,
      );
    return input;
  },
  weights: () => [],
  lower: (_layer, x, lowering, output) => lowering.emit('normalize', [x], output),
  build: (layer) => new Normalization(layer.mean, layer.variance),
  onnx(layer, x, graph) {
    const perChannel = (values: number[]) => graph.constant(values, [1, values.length, 1, 1]);
    const invStd = layer.variance.map((v) => 1 / Math.max(Math.sqrt(v), 1e-7));
    return graph.node('Mul', [graph.node('Sub', [x, perChannel(layer.mean)]), perChannel(invStd)]);
  },
  // It only ever sees the image, which needs no gradient.
  ops: { normalize: KEEPS_NOTHING },
};
