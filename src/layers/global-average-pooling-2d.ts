// GlobalAveragePooling2D: mean over height and width, (H, W, C) -> (C), or (1, 1, C) with keepDims.
import { GlobalAveragePooling2D } from '../nn/index.js';
import { channelsOf, KEEPS_NOTHING, requireSpatial, type LayerDefinition } from './layer.js';

export interface GlobalAveragePooling2DLayer {
  kind: 'GlobalAveragePooling2D';
  name: string;
  keepDims: boolean;
}

export function globalAveragePool(name: string, keepDims = false): GlobalAveragePooling2DLayer {
  return { kind: 'GlobalAveragePooling2D', name, keepDims };
}

export const globalAveragePooling2dDefinition: LayerDefinition<GlobalAveragePooling2DLayer> = {
  kind: 'GlobalAveragePooling2D',
  outputShape(layer, input) {
    const c = channelsOf(requireSpatial(layer, input));
    return layer.keepDims ? [1, 1, c] : [c];
  },
  weights: () => [],
  lower: (_layer, x, lowering, output) => lowering.emit('global-avgpool', [x], output),
  build: (layer) => new GlobalAveragePooling2D(layer.keepDims),
  onnx(layer, x, graph) {
    const pooled = graph.node('GlobalAveragePool', [x]);
    return layer.keepDims ? pooled : graph.node('Flatten', [pooled], { axis: { int: 1 } });
  },
  // A mean keeps nothing but sizes.
  ops: { 'global-avgpool': KEEPS_NOTHING },
};
