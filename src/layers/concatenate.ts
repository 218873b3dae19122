// Concatenate: the branches joined along the channel axis, in branch order (SqueezeNet's parallel expands).
import { Merge } from '../nn/index.js';
import { mergeInputs } from './add.js';
import { channelsOf, KEEPS_NOTHING, ShapeError, type MergeDefinition, type Shape } from './layer.js';

export interface ConcatenateLayer {
  kind: 'Concatenate';
  name: string;
}

export function concatenate(name: string): ConcatenateLayer {
  return { kind: 'Concatenate', name };
}

export const concatenateDefinition: MergeDefinition<ConcatenateLayer> = {
  kind: 'Concatenate',
  outputShape(merge, inputs) {
    const labels = mergeInputs(merge, inputs);
    const first = inputs[0]!;
    if (inputs.some((s) => s.length !== first.length || s.slice(0, -1).some((d, i) => d !== first[i])))
      throw new ShapeError(`${merge.name} (Concatenate) needs equal spatial sizes, got ${labels}`);
    return [...first.slice(0, -1), inputs.reduce((sum, s) => sum + channelsOf(s), 0)] as Shape;
  },
  lower: (_merge, xs, lowering, output) => lowering.emit('concat', xs, output),
  build: (_merge, branches) => new Merge('Concatenate', branches),
  onnx: (_merge, xs, graph) => graph.node('Concat', xs, { axis: { int: 1 } }),
  // libtorch's cat keeps nothing but sizes; its backward slices the incoming gradient (no allocation).
  ops: { concat: { ...KEEPS_NOTHING, gradientPassThrough: true } },
};
