// Add: elementwise sum of all branches (a residual connection).
import { Merge } from '../nn/index.js';
import { KEEPS_NOTHING, ShapeError, shapeLabel, type MergeDefinition, type Shape } from './layer.js';

export interface AddLayer {
  kind: 'Add';
  name: string;
}

export function add(name: string): AddLayer {
  return { kind: 'Add', name };
}

/** The inputs' labels for an error message, or an error if there are none. */
export function mergeInputs(merge: { kind: string; name: string }, inputs: Shape[]): string {
  if (inputs.length === 0) throw new ShapeError(`${merge.name} (${merge.kind}) has no inputs`);
  return inputs.map(shapeLabel).join(' and ');
}

export const addDefinition: MergeDefinition<AddLayer> = {
  kind: 'Add',
  outputShape(merge, inputs) {
    const labels = mergeInputs(merge, inputs);
    const first = inputs[0]!;
    if (inputs.some((s) => s.length !== first.length || s.some((d, i) => d !== first[i])))
      throw new ShapeError(`${merge.name} (Add) needs equal shapes, got ${labels}`);
    return first;
  },
  lower: (_merge, xs, lowering, output) => lowering.emit('add', xs, output),
  build: (_merge, branches) => new Merge('Add', branches),
  onnx: (_merge, xs, graph) => xs.slice(1).reduce((sum, x) => graph.node('Add', [sum, x]), xs[0]!),
  // Keeps nothing; its backward hands the gradient to every input.
  ops: { add: { ...KEEPS_NOTHING, gradientPassThrough: true } },
};
