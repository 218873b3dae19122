// Walking a description. `interpret` is the one traversal everything shares: shape inference runs
// it on shapes, the cost model on symbolic tensors, and a module builder on real tensors: a sequence
// feeds each node the previous output; a block feeds the same input to every branch (an empty branch
// passes it through) and merges the branch outputs in order.
import type { Block, ModelDescription, Node } from './description.js';
import type { Layer, MergeLayer } from '../layers/index.js';

export interface Interpreter<T> {
  /** Apply one layer; `path` names the enclosing sequences, blocks and branches, outermost first. */
  layer(layer: Layer, input: T, path: readonly string[]): T;
  /** Join a block's branch outputs (same order as block.branches). */
  merge(merge: MergeLayer, inputs: T[], block: Block, path: readonly string[]): T;
}

export function interpret<T>(
  nodes: readonly Node[],
  input: T,
  interpreter: Interpreter<T>,
  path: readonly string[] = [],
): T {
  let x = input;
  for (const node of nodes) {
    if (node.kind === 'Sequence') {
      x = interpret(node.layers, x, interpreter, [...path, node.name]);
    } else if (node.kind === 'Block') {
      const blockPath = [...path, node.name];
      const outputs = node.branches.map((b) => interpret(b.layers, x, interpreter, [...blockPath, b.name]));
      x = interpreter.merge(node.merge, outputs, node, blockPath);
    } else {
      x = interpreter.layer(node, x, path);
    }
  }
  return x;
}

export interface Visit {
  node: Node;
  /** Names of the enclosing nodes and branches, outermost first. */
  path: readonly string[];
}

/** Every node (sequences, blocks and layers, not merges), depth first, in execution order. */
export function nodesOf(nodes: readonly Node[], path: readonly string[] = []): Visit[] {
  const visits: Visit[] = [];
  for (const node of nodes) {
    visits.push({ node, path });
    if (node.kind === 'Sequence') visits.push(...nodesOf(node.layers, [...path, node.name]));
    if (node.kind === 'Block')
      for (const b of node.branches) visits.push(...nodesOf(b.layers, [...path, node.name, b.name]));
  }
  return visits;
}

/** Every layer (not merges), in execution order. */
export function layersOf(nodes: readonly Node[]): { layer: Layer; path: readonly string[] }[] {
  return nodesOf(nodes)
    .filter((v) => v.node.kind !== 'Sequence' && v.node.kind !== 'Block')
    .map((v) => ({ layer: v.node as Layer, path: v.path }));
}

/** Every name in the description: nodes and merge layers. */
export function namesOf(nodes: readonly Node[]): string[] {
  return nodesOf(nodes).flatMap(({ node }) =>
    node.kind === 'Block' ? [node.name, node.merge.name] : [node.name],
  );
}

export function findNode(nodes: readonly Node[], name: string): Node | undefined {
  return nodesOf(nodes).find((v) => v.node.name === name)?.node;
}

/** The named node, or an error listing the names of the given kind that do exist. */
export function requireNode(description: ModelDescription, name: string, wanted?: Node['kind']): Node {
  const node = findNode(description.layers, name);
  if (node && (!wanted || node.kind === wanted)) return node;
  const candidates = nodesOf(description.layers)
    .filter((v) => !wanted || v.node.kind === wanted)
    .map((v) => v.node.name);
  const what = wanted ?? 'node';
  const shown = candidates.length > 40 ? [...candidates.slice(0, 40), '…'] : candidates;
  throw new RangeError(
    `${description.name} has no ${what} named '${name}'${node ? ` (it is a ${node.kind})` : ''}; ` +
      `${what}s: ${shown.join(', ')}`,
  );
}

/**
 * Rebuild a node list: `replace` returns the nodes to put in place of one node (an empty list removes
 * it), or undefined to keep it and descend into its children.
 */
export function mapNodes(
  nodes: readonly Node[],
  replace: (node: Node, path: readonly string[]) => Node[] | undefined,
  path: readonly string[] = [],
): Node[] {
  return nodes.flatMap((node): Node[] => {
    const replaced = replace(node, path);
    if (replaced) return replaced;
    if (node.kind === 'Sequence')
      return [{ ...node, layers: mapNodes(node.layers, replace, [...path, node.name]) }];
    if (node.kind === 'Block')
      return [
        {
          ...node,
          branches: node.branches.map((b) => ({
            ...b,
            layers: mapNodes(b.layers, replace, [...path, node.name, b.name]),
          })),
        },
      ];
    return [node];
  });
}
