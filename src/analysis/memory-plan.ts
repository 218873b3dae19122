// How a training step spends memory: the memory plan. Each part changes how the step runs, never
// what one step computes (up to float rounding), except micro-batching's BatchNorm statistics and
// bfloat16 moments:
// - checkpoint=blocks: the forward pass keeps only each block's input; backward re-runs the block;
// - microbatch=K: the batch runs as K micro-batches whose gradients add up before one update;
// - optimizer=in-backward: each block's parameters are updated, and their gradients freed, as soon
//   as its backward is done, instead of all together after backward;
// - moments=bf16: Adam keeps its two moments in bfloat16 (stochastically rounded), half their memory:
//   a reduced-precision optimizer state, so results change; never chosen for a budget unless allowed.
// Written `checkpoint=blocks,microbatch=4,optimizer=in-backward,moments=bf16` (any subset, any order).
import { UserInputError } from '../util/errors.js';

export interface MemoryPlan {
  checkpoint: 'none' | 'blocks';
  /** Micro-batches per batch (1: the whole batch at once). */
  microbatch: number;
  optimizer: 'after-backward' | 'in-backward';
  /** Adam's moment buffers: float32, or bfloat16 (reduced-precision state). */
  moments: 'fp32' | 'bf16';
}

export const DEFAULT_MEMORY_PLAN: Readonly<MemoryPlan> = {
  checkpoint: 'none',
  microbatch: 1,
  optimizer: 'after-backward',
  moments: 'fp32',
};

/** A --memory-plan that cannot be read; the message names the part and what is accepted. */
export class MemoryPlanError extends UserInputError {
  override name = 'MemoryPlanError';
}

const CHECKPOINTS: readonly MemoryPlan['checkpoint'][] = ['none', 'blocks'];
const OPTIMIZERS: readonly MemoryPlan['optimizer'][] = ['after-backward', 'in-backward'];
const MOMENTS: readonly MemoryPlan['moments'][] = ['fp32', 'bf16'];
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
    else if (key === 'moments') plan.moments = oneOf(key, value, MOMENTS);
    else if (key === 'microbatch') {
      const k = Number(value);
      if (!Number.isInteger(k) || k < 1)
        throw new MemoryPlanError(
          `memory plan microbatch=${value}: give a whole number >= 1 of micro-batches`,
        );
      plan.microbatch = k;
    } else
      throw new MemoryPlanError(
        `memory plan has no part '${key}'; parts: checkpoint, microbatch, optimizer, moments`,
      );
  }
  return plan;
}

function oneOf<T extends string>(key: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new MemoryPlanError(`memory plan ${key}=${value}: ${key} is one of ${allowed.join(', ')}`);
}

/**
 * The plan in the form parseMemoryPlan reads. moments is written only when bf16, so the plans of runs
 * recorded before the part existed read as they did.
 */
export function formatMemoryPlan(plan: MemoryPlan): string {
  const step = `checkpoint=${plan.checkpoint},microbatch=${plan.microbatch},optimizer=${plan.optimizer}`;
  return plan.moments === 'fp32' ? step : `${step},moments=${plan.moments}`;
}

export function isDefaultPlan(plan: MemoryPlan): boolean {
  return formatMemoryPlan(plan) === formatMemoryPlan(DEFAULT_MEMORY_PLAN);
}

/**
 * Whether a plan changes what is learned: bfloat16 moments (a reduced-precision optimizer state), and
 * micro-batches when a trained layer normalises with batch statistics (BatchNorm then sees one slice
 * at a time). Checkpointing and the optimizer in backward compute the ordinary step, and so do
 * micro-batches when every BatchNorm is frozen (it runs on its moving statistics, so the accumulated
 * gradient is the whole batch's).
 */
export function changesLearning(plan: MemoryPlan, { batchStatistics = true } = {}): boolean {
  return (plan.microbatch > 1 && batchStatistics) || plan.moments === 'bf16';
}

/** The step runs as the ordinary one (moments change only what the optimizer keeps). */
export function isOrdinaryStep(plan: MemoryPlan): boolean {
  return isDefaultPlan({ ...plan, moments: DEFAULT_MEMORY_PLAN.moments });
}

/**
 * Every plan worth considering for a batch: checkpointing or not × micro-batch counts 1, 2, 4, … ≤
 * batch, the optimizer in backward only without micro-batches (with them, gradients must accumulate
 * over the whole batch first, so it saves nothing); each also with bfloat16 moments when they are
 * allowed (they change results, so never by default).
 */
export function candidatePlans(batchSize: number, { bf16Moments = false } = {}): MemoryPlan[] {
  const plans: MemoryPlan[] = [];
  for (const moments of bf16Moments ? MOMENTS : (['fp32'] as const))
    for (let microbatch = 1; microbatch <= batchSize; microbatch *= 2)
      for (const checkpoint of CHECKPOINTS)
        for (const optimizer of microbatch === 1 ? OPTIMIZERS : (['after-backward'] as const))
          plans.push({ checkpoint, microbatch, optimizer, moments });
  return plans;
}
