// Shape inference over a description (channels-last, per image): every layer's output shape and the
// shapes it receives, by each layer type's compute_output_shape (src/layers). The builder uses the
// same definitions to size its weights and padding.
import {
  layerDefinition,
  mergeDefinition,
  type Layer,
  type MergeLayer,
  type Shape,
} from '../layers/index.js';
import type { ModelDescription, Node } from '../models/description.js';
import { interpret } from '../models/walk.js';

export interface ShapedLayer {
  layer: Layer | MergeLayer;
  path: readonly string[];
  inputs: Shape[];
  output: Shape;
}

/** Every layer and merge with its input and output shapes, in execution order. */
export function inferShapes(nodes: readonly Node[], input: Shape): { output: Shape; layers: ShapedLayer[] } {
  const layers: ShapedLayer[] = [];
  const output = interpret<Shape>(nodes, input, {
    layer(layer, x, path) {
      const out = layerDefinition(layer).outputShape(layer, x);
      layers.push({ layer, path, inputs: [x], output: out });
      return out;
    },
    merge(merge, xs, _block, path) {
      const out = mergeDefinition(merge).outputShape(merge, xs);
      layers.push({ layer: merge, path, inputs: xs, output: out });
      return out;
    },
  });
  return { output, layers };
}

export function descriptionInputShape(description: ModelDescription): Shape {
  const { height, width, channels } = description.input;
  return [height, width, channels];
}
