// Choosing what a transform rewrites: by explicit names (data, JSON-friendly) or by a predicate over
// (layer, path). Helpers name the selections the paper uses.
import { type Block, type ModelDescription } from '../models/description.js';
import { isConv, type ConvLayer, type Layer } from '../layers/index.js';
import { layersOf, nodesOf, requireNode } from '../models/walk.js';
import { TransformError } from './edit.js';

export type LayerPredicate = (layer: Layer, path: readonly string[]) => boolean;

/** Layer names, or a predicate over (layer, path) where path lists the enclosing node names. */
export type LayerSelector = readonly string[] | LayerPredicate;

/** Names of the layers a selector picks, in execution order. Named layers must exist. */
export function selectLayerNames(description: ModelDescription, selector: LayerSelector): string[] {
  const all = layersOf(description.layers);
  if (typeof selector === 'function')
    return all.filter(({ layer, path }) => selector(layer, path)).map(({ layer }) => layer.name);
  for (const name of selector) requireNode(description, name);
  return [...selector];
}

/** Residual (and other) blocks directly inside the named flows/stages, in order. */
export function blocksIn(description: ModelDescription, containers: readonly string[]): string[] {
  return containers.flatMap((name) => {
    const node = requireNode(description, name, 'Sequence');
    if (node.kind !== 'Sequence') return [];
    return node.layers.filter((n): n is Block => n.kind === 'Block').map((b) => b.name);
  });
}

/** The first conv layer of the given kind on each block's main branch (the paper's Strategy 1 target). */
export function firstConvOfBlocks(
  description: ModelDescription,
  blocks: readonly string[],
  kind: ConvLayer['kind'] = 'SeparableConv2D',
): string[] {
  return blocks.map((name) => {
    const node = requireNode(description, name, 'Block') as Block;
    const main = node.branches.find((b) => b.name === 'main');
    if (!main)
      throw new TransformError(
        `block '${name}' has no 'main' branch (branches: ${node.branches.map((b) => b.name).join(', ')})`,
      );
    const first = nodesOf(main.layers)
      .map((v) => v.node)
      .find((n): n is ConvLayer => isConv(n) && n.kind === kind);
    if (!first) throw new TransformError(`block '${name}' has no ${kind} on its main branch`);
    return first.name;
  });
}

/** Predicate: conv layers whose kernel is exactly h x w. */
export function kernelIs(h: number, w = h): LayerPredicate {
  return (layer) => isConv(layer) && layer.kernelSize[0] === h && layer.kernelSize[1] === w;
}

/** Predicate: layers somewhere inside the named node. */
export function inside(nodeName: string): LayerPredicate {
  return (_layer, path) => path.includes(nodeName);
}

export function both(a: LayerPredicate, b: LayerPredicate): LayerPredicate {
  return (layer, path) => a(layer, path) && b(layer, path);
}
