// Multiply: elementwise product of all branches, broadcasting (1, 1, C) over (H, W, C): squeeze-excite.
import { Merge } from '../nn/index.js';
import { mergeInputs } from './add.js';
import { elementsOf, KEEPS_NOTHING, ShapeError, type MergeDefinition } from './layer.js';

export interface MultiplyLayer {
  kind: 'Multiply';
  name: string;
}

export function multiply(name: string): MultiplyLayer {
  return { kind: 'Multiply', name };
}

export const multiplyDefinition: MergeDefinition<MultiplyLayer> = {
  kind: 'Multiply',
  outputShape(merge, inputs) {
    const labels = mergeInputs(merge, inputs);
    const widest = inputs.reduce((a, b) => (elementsOf(b) > elementsOf(a) ? b : a));
    for (const s of inputs) {
      const ok = s.length === widest.length && s.every((d, i) => d === widest[i] || d === 1);
      if (!ok) throw new ShapeError(`${merge.name} (Multiply) cannot broadcast ${labels}`);
    }
    return widest;
  },
  lower: (_merge, xs, lowering, output) => lowering.emit('mul', xs, output),
  build: (_merge, branches) => new Merge('Multiply', branches),
  onnx: (_merge, xs, graph) => xs.slice(1).reduce((sum, x) => graph.node('Mul', [sum, x]), xs[0]!),
  // libtorch's mul saves both factors; its backward makes one temporary of the product's size.
  ops: { mul: { ...KEEPS_NOTHING, input: true, backwardWorkspace: 0.5 } },
};
