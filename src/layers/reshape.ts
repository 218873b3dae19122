// Reshape to a channels-last per-image shape; used to turn a pooled (C) vector into (1, 1, C).
import { Unflatten } from '../nn/index.js';
import {
  channelsOf,
  elementsOf,
  KEEPS_NOTHING,
  ShapeError,
  shapeLabel,
  type LayerDefinition,
} from './layer.js';

export interface ReshapeLayer {
  kind: 'Reshape';
  name: string;
  targetShape: [number, number, number];
}

export function reshape(name: string, targetShape: [number, number, number]): ReshapeLayer {
  return { kind: 'Reshape', name, targetShape: [...targetShape] };
}

export const reshapeDefinition: LayerDefinition<ReshapeLayer> = {
  kind: 'Reshape',
  outputShape(layer, input) {
    if (elementsOf(input) !== elementsOf(layer.targetShape))
      throw new ShapeError(
        `${layer.name} cannot reshape ${shapeLabel(input)} to ${shapeLabel(layer.targetShape)}`,
      );
    return [...layer.targetShape];
  },
  weights: () => [],
  lower: (_layer, x, lowering, output) => lowering.emit('reshape', [x], output),
  build(layer, input) {
    const [h, w, c] = layer.targetShape;
    if (h !== 1 || w !== 1 || c !== channelsOf(input))
      throw new Error(`${layer.name}: the builder supports Reshape only from (C) to (1, 1, C)`);
    return new Unflatten();
  },
  /** (C) to (1, 1, C) is [N, C] to [N, C, 1, 1] in NCHW, the only reshape the builder makes. */
  onnx: (_layer, x, graph) => graph.node('Unsqueeze', [x, graph.int64Constant([2, 3])]),
  // A view: it shares its input's storage, keeps nothing, passes its gradient on.
  ops: { reshape: { ...KEEPS_NOTHING, gradientPassThrough: true } },
};
