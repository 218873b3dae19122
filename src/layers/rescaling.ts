// Rescaling: y = x * scale + offset (Keras', e.g. 1/127.5 and -1 to map [0, 255] to [-1, 1]). No weights.
import { Rescaling } from '../nn/index.js';
import { KEEPS_NOTHING, type LayerDefinition } from './layer.js';

export interface RescalingLayer {
  kind: 'Rescaling';
  name: string;
  scale: number;
  offset: number;
}

export function rescaling(name: string, scale: number, offset = 0): RescalingLayer {
  return { kind: 'Rescaling', name, scale, offset };
}

export const rescalingDefinition: LayerDefinition<RescalingLayer> = {
  kind: 'Rescaling',
  outputShape: (_layer, input) => input,
  weights: () => [],
  lower: (_layer, x, lowering, output) => lowering.emit('rescale', [x], output),
  build: (layer) => new Rescaling(layer.scale, layer.offset),
  onnx: (layer, x, graph) =>
    graph.node('Add', [
      graph.node('Mul', [x, graph.constant([layer.scale], [])]),
      graph.constant([layer.offset], []),
    ]),
  // It only ever sees the image, which needs no gradient.
  ops: { rescale: KEEPS_NOTHING },
};
