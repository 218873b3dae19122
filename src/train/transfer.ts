// Transfer learning (the paper's Experiment 2, pre-trained setting): start from an earlier run's
// backbone weights, give the model a new head for the new task, and optionally freeze layers.
import path from 'node:path';
import { loadWeights } from '../nn/index.js';
import type { DescribedModel } from '../models/build.js';
import type { ModelDescription } from '../models/description.js';
import { nodesOf, type Visit } from '../models/walk.js';
import type { Freeze } from './config.js';
import { TrainInputError } from './errors.js';

/** State-dict names under the classifier head (the top-level node with role 'head'). */
export function headPrefix(model: DescribedModel): string | null {
  const head = model.description.layers.find(
    (node) => node.kind !== 'Block' && 'role' in node && node.role === 'head',
  );
  return head ? `model.${head.name}.` : null;
}

/**
 * Loads an earlier run's weights into model. Without keepHead the head is left freshly initialised
 * (its class count may differ); every other tensor must be present and shaped alike.
 */
export async function initFromRun(
  model: DescribedModel,
  runDir: string,
  { keepHead = false } = {},
): Promise<void> {
  const head = headPrefix(model);
  const skip = (name: string) => !keepHead && head !== null && name.startsWith(head);
  const file = path.join(runDir, 'weights.safetensors');
  const { missing } = await loadWeights(model, file, { strict: false, skip });
  const missingBackbone = missing.filter((name) => !skip(name));
  if (missingBackbone.length > 0) {
    throw new TrainInputError(
      `${file} lacks ${missingBackbone.length} of this model's tensors (e.g. ${missingBackbone[0]}): it was trained with a different architecture`,
    );
  }
}

/** The blocks --freeze last:N counts (role 'block' or 'fire'), in execution order. */
export function blockNodes(description: ModelDescription): Visit[] {
  return nodesOf(description.layers).filter(
    ({ node }) => 'role' in node && (node.role === 'block' || node.role === 'fire'),
  );
}

/** Refuses --freeze last:N beyond the model's blocks (train, and the memory model's frozen prefix). */
export function checkLastBlocks(description: ModelDescription, lastBlocks: number): void {
  const blocks = blockNodes(description).length;
  if (lastBlocks > blocks)
    throw new TrainInputError(
      `--freeze last:${lastBlocks} asks for more blocks than ${description.name} has (${blocks})`,
    );
}

/** The block modules in execution order, as state-dict prefixes. */
export function blockPrefixes(model: DescribedModel): string[] {
  return blockNodes(model.description).map(
    ({ node, path: enclosing }) => ['model', ...enclosing, node.name].join('.') + '.',
  );
}

/** Freezes parameters: the whole backbone, or everything before the last N blocks. The head always trains. */
export function applyFreeze(model: DescribedModel, freeze: Freeze): { frozen: number; trainable: number } {
  model.setTrainable(true);
  if (freeze !== 'none') {
    const parameters = model.namedParameters();
    let firstTrainable: number;
    if (freeze === 'backbone') {
      const head = headPrefix(model);
      firstTrainable =
        head === null ? parameters.length : parameters.findIndex(([name]) => name.startsWith(head));
    } else {
      checkLastBlocks(model.description, freeze.lastBlocks);
      const blocks = blockPrefixes(model);
      const start = freeze.lastBlocks === 0 ? null : blocks[blocks.length - freeze.lastBlocks];
      const head = headPrefix(model);
      firstTrainable = parameters.findIndex(
        ([name]) => (start !== null && name.startsWith(start)) || (head !== null && name.startsWith(head)),
      );
    }
    if (firstTrainable < 0) firstTrainable = parameters.length;
    parameters.slice(0, firstTrainable).forEach(([, p]) => p.requiresGrad_(false));
  }
  const counts = model.countParameters();
  return { frozen: counts.parametersOnly - counts.trainable, trainable: counts.trainable };
}
