// Architecture descriptions as data: a model is a JSON-serialisable tree of Keras-like layers, so that
// compact-network-design transforms, cost analysis and the module builder all work on the same plain
// object. Every field a builder needs is explicit: no Keras default is left implicit.
//
// Conventions (the same as Keras, channels-last):
// - shapes are (height, width, channels) per image; the batch dimension is never written;
// - a layer's input channels are never stored: they follow from what feeds it (shape inference in
//   src/analysis/shapes.ts, by each layer type's outputShape in src/layers), so a transform that
//   changes one width cannot leave a stale count behind;
// - names are unique across the whole description (Keras requires it too) and are the handles that
//   transforms and selectors use.
// The layers themselves (their fields, defaults and everything else about them) are in src/layers.
import type { Layer, MergeLayer, Pair } from '../layers/index.js';

export const DESCRIPTION_SCHEMA = 'pareto-edge/model-description@1';

/** What a group of nodes is, for readers and selectors; it never changes what is computed. */
export type NodeRole =
  'preprocessing' | 'stem' | 'flow' | 'stage' | 'block' | 'fire' | 'squeeze-excite' | 'top' | 'head';

/** Nodes applied one after another. */
export interface Sequence {
  kind: 'Sequence';
  name: string;
  role: NodeRole;
  layers: Node[];
}

/**
 * Parallel paths from one input, joined by a merge layer. A residual block has a branch named 'main'
 * and one named 'shortcut' (no layers = identity); a squeeze-excite block has 'input' (identity) and
 * 'excite'; a parallel fire module has 'expand1x1' and 'expand3x3' joined by Concatenate.
 * Branches are listed in the order the merge receives them.
 */
export interface Block {
  kind: 'Block';
  name: string;
  role: NodeRole;
  branches: Branch[];
  merge: MergeLayer;
}

export interface Branch {
  name: string;
  layers: Node[];
}

export type Node = Layer | Sequence | Block;

export interface ModelDescription {
  schema: typeof DESCRIPTION_SCHEMA;
  /** Registry name, e.g. 'xception-lite'. */
  name: string;
  family: 'xception' | 'mobilenet-v2' | 'efficientnet-v2' | 'squeezenet';
  /** What the model expects: raw RGB pixels in [0, 255]; its preprocessing layers rescale them. */
  input: { height: number; width: number; channels: number; pixelRange: Pair };
  /** Classes of the head, or null when described without a head. */
  numClasses: number | null;
  /** The whole network in execution order. */
  layers: Node[];
  /** Transforms applied to the family's description, oldest first (empty for a family's own model). */
  transforms: string[];
}

/** A residual block: a 'main' and a 'shortcut' branch added together. */
export function isResidual(node: Node): node is Block {
  return (
    node.kind === 'Block' &&
    node.merge.kind === 'Add' &&
    node.branches.some((b) => b.name === 'main') &&
    node.branches.some((b) => b.name === 'shortcut')
  );
}
