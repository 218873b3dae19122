// ZeroPadding2D: explicit zeros around height and width; also the 'pad' op convs and pools emit
// before themselves when their padding is asymmetric (./window.ts).
import { ZeroPadding2D } from '../nn/index.js';
import {
  channelsOf,
  KEEPS_NOTHING,
  pair,
  requireSpatial,
  type ExplicitPadding,
  type LayerDefinition,
} from './layer.js';

export interface ZeroPadding2DLayer {
  kind: 'ZeroPadding2D';
  name: string;
  padding: ExplicitPadding;
}

export function zeroPadding(name: string, padding: ExplicitPadding): ZeroPadding2DLayer {
  return { kind: 'ZeroPadding2D', name, padding: [pair(padding[0]), pair(padding[1])] };
}

export const zeroPadding2dDefinition: LayerDefinition<ZeroPadding2DLayer> = {
  kind: 'ZeroPadding2D',
  outputShape(layer, input) {
    const [height, width] = requireSpatial(layer, input);
    const [[top, bottom], [left, right]] = layer.padding;
    return [height + top + bottom, width + left + right, channelsOf(input)];
  },
  weights: () => [],
  lower: (_layer, x, lowering, output) => lowering.emit('pad', [x], output),
  build: (layer) => new ZeroPadding2D(layer.padding),
  onnx(layer, x, graph) {
    const [[top, bottom], [left, right]] = layer.padding;
    return graph.node('Pad', [x, graph.int64Constant([0, 0, top, left, 0, 0, bottom, right])]);
  },
  // libtorch's constant_pad_nd keeps nothing but sizes.
  ops: { pad: KEEPS_NOTHING },
};
