// How a training step spends memory: the memory plan. Each part changes how the step runs, never
// what one step computes (up to float rounding), except micro-batching's BatchNorm statistics:
// - checkpoint=blocks: the forward pass keeps only each block's input; backward re-runs the block;
// - microbatch=K: the batch runs as K micro-batches whose gradients add up before one update;
// - optimizer=in-backward: each block's parameters are updated, and their gradients freed, as soon
//   as its backward is done, instead of all together after backward.
// Written `checkpoint=blocks,microbatch=4,optimizer=in-backward` (any subset, any order).
import { UserInputError } from '../util/errors.js';

export interface MemoryPlan {
  checkpoint: 'none' | 'blocks';
  /** Micro-batches per batch (1: the whole batch at once). */
  microbatch: number;
  optimizer: 'after-backward' | 'in-backward';
}

export const DEFAULT_MEMORY_PLAN: Readonly<MemoryPlan> = {
  checkpoint: 'none',
  microbatch: 1,
  optimizer: 'after-backward',
};

/** A --memory-plan that cannot be read; the message names the part and what is accepted. */
export class MemoryPlanError extends UserInputError {
  override name = 'MemoryPlanError';
}

const CHECKPOINTS: readonly MemoryPlan['checkpoint'][] = ['none', 'blocks'];
const OPTIMIZERS: readonly MemoryPlan['optimizer'][] = ['after-backward', 'in-backward'];
const FORM = 'write e.g. checkpoint=blocks,microbatch=4,optimizer=in-backward';

/** Reads `key=value,...`; parts left out keep the default plan's values. */
export function parseMemoryPlan(text: string): MemoryPlan {
  const plan: MemoryPlan = { ...DEFAULT_MEMORY_PLAN };
  const seen = new Set<string>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const [key, value, ...rest] = part.split('=');
    if (!key || value === undefined || value === '' || rest.length > 0)
      throw new MemoryPlanError(`memory plan part '${part}' is not key=value; ${FORM}`);
    if (seen.has(key)) throw new MemoryPlanError(`memory plan sets '${key}' twice; ${FORM}`);
    seen.add(key);
    if (key === 'checkpoint') plan.checkpoint = oneOf(key, value, CHECKPOINTS);
    else if (key === 'optimizer') plan.optimizer = oneOf(key, value, OPTIMIZERS);
    else if (key === 'microbatch') {
      const k = Number(value);
      if (!Number.isInteger(k) || k < 1)
        throw new MemoryPlanError(
          `memory plan microbatch=${value}: give a whole number >= 1 of micro-batches`,
        );
      plan.microbatch = k;
    } else
      throw new MemoryPlanError(`memory plan has no part '${key}'; parts: checkpoint, microbatch, optimizer`);
  }
  return plan;
}

function oneOf<T extends string>(key: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new MemoryPlanError(`memory plan ${key}=${value}: ${key} is one of ${allowed.join(', ')}`);
}

/** The plan in the form parseMemoryPlan reads. */
export function formatMemoryPlan(plan: MemoryPlan): string {
  return `checkpoint=${plan.checkpoint},microbatch=${plan.microbatch},optimizer=${plan.optimizer}`;
}

export function isDefaultPlan(plan: MemoryPlan): boolean {
  return formatMemoryPlan(plan) === formatMemoryPlan(DEFAULT_MEMORY_PLAN);
}

/**
 * Every plan worth considering for a batch: checkpointing or not × micro-batch counts 1, 2, 4, … ≤
 * batch, the optimizer in backward only without micro-batches (with them, gradients must accumulate
 * over the whole batch first, so it saves nothing).
 */
export function candidatePlans(batchSize: number): MemoryPlan[] {
  const plans: MemoryPlan[] = [];
  for (let microbatch = 1; microbatch <= batchSize; microbatch *= 2)
    for (const checkpoint of CHECKPOINTS)
      for (const optimizer of microbatch === 1 ? OPTIMIZERS : (['after-backward'] as const))
        plans.push({ checkpoint, microbatch, optimizer });
  return plans;
}
