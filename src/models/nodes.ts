// Constructors for the description tree (sequences, blocks, branches); the layers inside come from
// the constructors in src/layers (conv2d, batchNorm, ...), with Keras' defaults written out.
import { add } from '../layers/index.js';
import type { Block, Branch, Node, NodeRole, Sequence } from './description.js';
import type { MergeLayer } from '../layers/index.js';

export function sequence(name: string, role: NodeRole, layers: Node[]): Sequence {
  return { kind: 'Sequence', name, role, layers };
}

export function branch(name: string, layers: Node[]): Branch {
  return { name, layers };
}

export function block(name: string, role: NodeRole, branches: Branch[], merge: MergeLayer): Block {
  return { kind: 'Block', name, role, branches, merge };
}

/**
 * A residual block: main path plus shortcut (no layers = identity), added. `order` keeps the Keras
 * source's argument order of the add (Xception adds [x, residual], MobileNetV2 [inputs, x]).
 */
export function residual(
  name: string,
  paths: { main: Node[]; shortcut: Node[]; add: string; order?: 'main-first' | 'shortcut-first' },
): Block {
  const main = branch('main', paths.main);
  const shortcut = branch('shortcut', paths.shortcut);
  const branches = paths.order === 'shortcut-first' ? [shortcut, main] : [main, shortcut];
  return block(name, 'block', branches, add(paths.add));
}
