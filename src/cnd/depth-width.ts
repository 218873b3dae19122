// Two transforms the architecture search needs beyond the paper's strategies: fewer repeated blocks
// (Xception's middle-flow depth, MobileNetV2's blocks per stage) and wider or narrower stages (a width
// multiplier per stage, as MobileNetV2's alpha is for the whole network).
import { isResidual, type ModelDescription, type Sequence } from '../models/description.js';
import { makeDivisible } from '../models/mobilenet-v2.js';
import { nodesOf, requireNode } from '../models/walk.js';
import { checked, editCopy, TransformError } from './edit.js';

/**
 * Keep the first `count` blocks of a flow or stage, dropping the identity-residual blocks after
 * them. Only identity-residual blocks may go: they keep their input's shape, so nothing after them
 * notices; a block that changes the shape (the first of a MobileNetV2 stage) cannot be dropped.
 */
export function keepBlocks(
  description: ModelDescription,
  container: string,
  count: number,
): ModelDescription {
  const target = requireNode(description, container, 'Sequence') as Sequence;
  if (!Number.isInteger(count) || count < 1)
    throw new TransformError(
      `keepBlocks: ${container} must keep a whole number >= 1 of blocks; got ${count}`,
    );
  const dropped = target.layers.slice(count);
  const notIdentity = dropped.find(
    (n) => !(isResidual(n) && n.branches.find((b) => b.name === 'shortcut')!.layers.length === 0),
  );
  if (notIdentity)
    throw new TransformError(
      `keepBlocks: ${notIdentity.name} in ${container} changes its input's shape and cannot be dropped`,
    );
  if (dropped.length === 0) return description;
  const copy = editCopy(description, `depth.keepBlocks(${container}: ${target.layers.length} -> ${count})`);
  const edited = requireNode(copy, container, 'Sequence') as Sequence;
  edited.layers = edited.layers.slice(0, count);
  return checked(copy);
}

/**
 * Multiply the filters of every Conv2D and SeparableConv2D inside the named nodes by `multiplier`
 * (rounded as MobileNetV2 rounds alpha's widths). The nodes must hold whole residual blocks with
 * their projections, so both sides of every Add change together; a misfit is a TransformError.
 */
export function scaleWidths(
  description: ModelDescription,
  nodes: readonly string[],
  multiplier: number,
): ModelDescription {
  if (!(multiplier > 0) || !Number.isFinite(multiplier))
    throw new TransformError(`scaleWidths: the multiplier must be a number > 0; got ${multiplier}`);
  for (const name of nodes) requireNode(description, name);
  if (multiplier === 1) return description;
  const copy = editCopy(description, `width.scaleWidths(${nodes.join(', ')} x ${multiplier})`);
  for (const name of nodes)
    for (const { node } of nodesOf([requireNode(copy, name)]))
      if (node.kind === 'Conv2D' || node.kind === 'SeparableConv2D')
        node.filters = makeDivisible(node.filters * multiplier, 8);
  return checked(copy);
}
