// Shared plumbing for transforms: every transform is a pure function description -> description
// that copies its input, edits the copy and records itself in `transforms`.
import { inferShapes } from '../analysis/shapes.js';
import type { Shape } from '../layers/index.js';
import type { Block, ModelDescription, Node } from '../models/description.js';
import { nodesOf, requireNode } from '../models/walk.js';

/** A transform that cannot apply as asked (wrong target, broken rule); the message says why. */
export class TransformError extends RangeError {
  override name = 'TransformError';
}

export type Transform = (description: ModelDescription) => ModelDescription;

/** Apply transforms left to right. */
export function pipe(description: ModelDescription, ...transforms: Transform[]): ModelDescription {
  return transforms.reduce((d, t) => t(d), description);
}

/** Compose transforms into one, left to right. */
export function compose(...transforms: Transform[]): Transform {
  return (d) => pipe(d, ...transforms);
}

/**
 * A deep copy of the description with `record` appended to its transform history. Descriptions are
 * JSON by design, and a JSON round trip copies them about twice as fast as structuredClone, which
 * matters to a search decoding thousands of candidates.
 */
export function editCopy(description: ModelDescription, record: string): ModelDescription {
  const copy = JSON.parse(JSON.stringify(description)) as ModelDescription;
  copy.transforms = [...copy.transforms, record];
  return copy;
}

/** Return the edited copy after checking that its shapes still fit together; a misfit names the transform. */
export function checked(copy: ModelDescription): ModelDescription {
  const { height, width, channels } = copy.input;
  try {
    inferShapes(copy.layers, [height, width, channels]);
  } catch (error) {
    const last = copy.transforms[copy.transforms.length - 1] ?? 'transform';
    throw new TransformError(`${last} leaves shapes that do not fit: ${(error as Error).message}`);
  }
  return copy;
}

export function requireBlock(description: ModelDescription, name: string): Block {
  return requireNode(description, name, 'Block') as Block;
}

/** The list (sequence layers or branch layers) that directly holds the named node, and its index. */
export function parentListOf(nodes: Node[], name: string): { list: Node[]; index: number } | undefined {
  const index = nodes.findIndex((n) => n.name === name);
  if (index >= 0) return { list: nodes, index };
  for (const node of nodes) {
    const lists =
      node.kind === 'Sequence'
        ? [node.layers]
        : node.kind === 'Block'
          ? node.branches.map((b) => b.layers)
          : [];
    for (const list of lists) {
      const found = parentListOf(list, name);
      if (found) return found;
    }
  }
  return undefined;
}

/** Input and output shapes of every named node (layers, blocks, sequences) at the description's input size. */
export function nodeShapes(description: ModelDescription): Map<string, { input: Shape; output: Shape }> {
  const { height, width, channels } = description.input;
  const { layers } = inferShapes(description.layers, [height, width, channels]);
  const byLayer = new Map(layers.map((l) => [l.layer.name, l]));
  const shapes = new Map<string, { input: Shape; output: Shape }>();
  for (const l of layers) shapes.set(l.layer.name, { input: l.inputs[0]!, output: l.output });
  // A container's input is its first layer's input; its output is its last layer's (or merge's) output.
  const span = (node: Node): { input: Shape; output: Shape } | undefined => {
    if (node.kind === 'Block') {
      const merged = byLayer.get(node.merge.name);
      if (!merged) return undefined;
      const firstBranchInput = node.branches
        .map((b) => (b.layers[0] ? span(b.layers[0])?.input : undefined))
        .find(Boolean);
      // An all-identity block would have no layer to read its input from; merges see it directly.
      return { input: firstBranchInput ?? merged.inputs[0]!, output: merged.output };
    }
    if (node.kind === 'Sequence') {
      const first = node.layers[0];
      const last = node.layers[node.layers.length - 1];
      if (!first || !last) return undefined;
      const a = span(first);
      const b = span(last);
      return a && b ? { input: a.input, output: b.output } : undefined;
    }
    return shapes.get(node.name);
  };
  for (const { node } of nodesOf(description.layers)) {
    if (node.kind === 'Block' || node.kind === 'Sequence') {
      const s = span(node);
      if (s) shapes.set(node.name, s);
    }
  }
  return shapes;
}
