// Flatten: (H, W, C) -> (H * W * C) in Keras' channels-last order, so a Dense layer after it sees
// its inputs in the order Keras weights expect. Also the worked example of docs/ARCHITECTURE.md
// "Adding a layer type": everything about the type is here, plus one line in ./registry.ts.
import type { Tensor } from '../engine/index.js';
import { Module } from '../nn/index.js';
import { elementsOf, KEEPS_NOTHING, type LayerDefinition } from './layer.js';

/** The description: Flatten has no options. */
export interface FlattenLayer {
  kind: 'Flatten';
  name: string;
}

export function flatten(name: string): FlattenLayer {
  return { kind: 'Flatten', name };
}

/** NCHW -> [N, H*W*C]: to channels-last first, so the order is Keras' (a copy unless H = W = 1). */
class FlattenModule extends Module {
  forward(x: Tensor): Tensor {
    return x.shape.length === 2 ? x : x.permute([0, 2, 3, 1]).flatten(1);
  }
}

export const flattenDefinition: LayerDefinition<FlattenLayer> = {
  kind: 'Flatten',
  outputShape: (_layer, input) => [elementsOf(input)],
  weights: () => [],
  lower: (_layer, x, lowering, output) => lowering.emit('flatten', [x], output),
  build: () => new FlattenModule(),
  /** As the module: channels-last order first. */
  onnx: (_layer, x, graph, input) =>
    input.length === 1
      ? x
      : graph.node('Flatten', [graph.node('Transpose', [x], { perm: { ints: [0, 2, 3, 1] } })], {
          axis: { int: 1 },
        }),
  // permute + reshape of a non-contiguous tensor copies; the copy keeps nothing for backward, whose
  // gradient is a fresh tensor of the input's size (not handed through as a view's would be).
  ops: { flatten: KEEPS_NOTHING },
};
