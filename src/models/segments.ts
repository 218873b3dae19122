// The units a block-wise training step works in (activation checkpointing, optimizer step in
// backward): the description's blocks. Containers (flows and stages) are opened; every other node at
// that level — a block, the stem, the top, the head, a pooling layer between blocks — is one segment,
// run as a whole. The trainer maps segments to modules, the memory model to ops, by these names.
import type { Node } from './description.js';
import { namesOf } from './walk.js';

export interface Segment {
  /** The node's name (unique in a description). */
  name: string;
  node: Node;
  /** Names of the enclosing containers, outermost first: where the node's module is. */
  path: readonly string[];
  /** Every layer and merge name inside the segment (the op graph's `layer` field). */
  layerNames: readonly string[];
}

const CONTAINER_ROLES: readonly string[] = ['flow', 'stage'];

function isContainer(node: Node): node is Extract<Node, { kind: 'Sequence' }> {
  return node.kind === 'Sequence' && CONTAINER_ROLES.includes(node.role);
}

/** The segments of a network in execution order. */
export function segmentsOf(nodes: readonly Node[], path: readonly string[] = []): Segment[] {
  return nodes.flatMap((node) =>
    isContainer(node)
      ? segmentsOf(node.layers, [...path, node.name])
      : [{ name: node.name, node, path, layerNames: namesOf([node]) }],
  );
}
