// Differences between the paper's public Xception-Lite code and Keras' Xception that are not part of
// any SqueezeNet strategy: the paper's code rebuilt Xception by hand with Keras layer defaults. Kept
// as named, separate transforms so the strategies stay what the paper says they are, and so each
// quirk can be switched off to study it.
import { type Block, type ModelDescription, type Sequence } from '../models/description.js';
import { isConv } from '../layers/index.js';
import { activation } from '../layers/index.js';
import { nodesOf, requireNode } from '../models/walk.js';
import { checked, compose, editCopy, TransformError, type Transform } from './edit.js';

function requireXception(description: ModelDescription, quirk: string): void {
  if (description.family !== 'xception')
    throw new TransformError(
      `${quirk} describes the paper's Xception code; ${description.name} is ${description.family}`,
    );
}

function flowBlocks(description: ModelDescription, flow: string): Block[] {
  const node = requireNode(description, flow, 'Sequence') as Sequence;
  return node.layers.filter((n): n is Block => n.kind === 'Block');
}

/** Keras layers default to use_bias=True and the paper's code never turns it off. */
export const biasOnEveryConv: Transform = (description) => {
  const copy = editCopy(description, 'paperCodeQuirks.biasOnEveryConv');
  for (const { node } of nodesOf(copy.layers)) if (isConv(node)) node.useBias = true;
  return checked(copy);
};

/** The paper's stem convs use padding 'same' (Keras Xception: 'valid'). */
export const stemSamePadding: Transform = (description) => {
  requireXception(description, 'stemSamePadding');
  const copy = editCopy(description, 'paperCodeQuirks.stemSamePadding');
  const stem = nodesOf(copy.layers).find((v) => v.node.kind === 'Sequence' && v.node.role === 'stem')
    ?.node as Sequence | undefined;
  if (!stem) throw new TransformError(`${description.name} has no stem`);
  for (const { node } of nodesOf(stem.layers)) if (node.kind === 'Conv2D') node.padding = 'same';
  return checked(copy);
};

/** The paper's entry blocks all start with a ReLU; Keras' first one (block2) does not (the stem's ReLU precedes it). */
const reluBeforeFirstEntryBlock: Transform = (description) => {
  requireXception(description, 'reluBeforeFirstEntryBlock');
  const copy = editCopy(description, 'paperCodeQuirks.reluBeforeFirstEntryBlock');
  const first = flowBlocks(copy, 'entry_flow')[0];
  const main = first?.branches.find((b) => b.name === 'main');
  if (!first || !main) throw new TransformError('entry_flow has no residual block');
  const firstConv = main.layers.find(isConv);
  if (main.layers[0]?.kind !== 'Activation')
    main.layers.unshift(activation(`${firstConv?.name ?? first.name}_act`, 'relu'));
  return checked(copy);
};

/** The paper's residual projections are a bare Conv2D (with bias), no BatchNormalization. */
export const residualProjectionsWithoutBatchNorm: Transform = (description) => {
  const copy = editCopy(description, 'paperCodeQuirks.residualProjectionsWithoutBatchNorm');
  for (const { node } of nodesOf(copy.layers)) {
    if (node.kind !== 'Block') continue;
    const shortcut = node.branches.find((b) => b.name === 'shortcut');
    if (shortcut) shortcut.layers = shortcut.layers.filter((l) => l.kind !== 'BatchNormalization');
  }
  return checked(copy);
};

/** The paper's exit-flow residual projection is a 3x3 conv (Keras: 1x1), 4.7M of its params at 512 -> 1024. */
export const exitResidual3x3: Transform = (description) => {
  requireXception(description, 'exitResidual3x3');
  const copy = editCopy(description, 'paperCodeQuirks.exitResidual3x3');
  const blocks = flowBlocks(copy, 'exit_flow');
  if (blocks.length === 0) throw new TransformError('exit_flow has no residual block');
  for (const b of blocks)
    for (const { node } of nodesOf(b.branches.find((br) => br.name === 'shortcut')?.layers ?? []))
      if (node.kind === 'Conv2D') node.kernelSize = [3, 3];
  return checked(copy);
};

/** All of the paper code's incidental differences from Keras Xception, in one named step. */
export const paperCodeQuirks: Transform = compose(
  biasOnEveryConv,
  stemSamePadding,
  reluBeforeFirstEntryBlock,
  residualProjectionsWithoutBatchNorm,
  exitResidual3x3,
);
