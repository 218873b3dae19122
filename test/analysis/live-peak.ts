// The allocator's measured peak of the trainer's step (src/train/blockwise-step.ts) for a zoo model on
// random input: what the plan-peak and precision-peak tests hold the memory model's predictions to.
import {
  Adam,
  emptyCache,
  keep,
  manualSeed,
  memoryStats,
  randint,
  randn,
  resetPeakMemory,
  tidy,
} from '../../src/engine/index.js';
import { buildModel } from '../../src/models/index.js';
import { describeModel } from '../../src/zoo/registry.js';
import type { MemoryPlan } from '../../src/analysis/index.js';
import { planStep } from '../../src/train/blockwise-step.js';
import { applyFreeze } from '../../src/train/transfer.js';
import { momentDtypeOf } from '../../src/train/memory-choice.js';
import { tensorFormat, type MemoryFormat } from '../../src/train/memory-format.js';
import type { Freeze } from '../../src/train/config.js';
import type { Precision } from '../../src/train/precision.js';

export const CLASSES = 10;

export interface StepCase {
  name: string;
  size: number;
  batch: number;
  plan: MemoryPlan;
  freeze?: Freeze;
  precision?: Precision;
  format?: MemoryFormat;
}

export const describeStepCase = (c: Pick<StepCase, 'name' | 'size'>) =>
  describeModel(c.name, { numClasses: CLASSES, inputSize: c.size, includePreprocessing: false });

/** Peak bytes of the second step (the first creates Adam's state, which predictions count as held). */
export function measureStepPeak(c: StepCase): number {
  manualSeed(0);
  emptyCache();
  const model = buildModel(describeStepCase(c));
  applyFreeze(model, c.freeze ?? 'none');
  const optimizer = new Adam(model.trainableParameters(), { momentDtype: momentDtypeOf(c.plan) });
  const x = keep(
    tidy(() => randn([c.batch, 3, c.size, c.size]).contiguous(tensorFormat(c.format ?? 'nchw'))),
  );
  const y = keep(randint(0, CLASSES, [c.batch]));
  try {
    const step = () => tidy(() => planStep(model, optimizer, x, y, c.plan, c.precision ?? 'fp32'));
    step();
    resetPeakMemory();
    step();
    return memoryStats().peakBytes;
  } finally {
    optimizer.dispose();
    model.dispose();
    x.dispose();
    y.dispose();
  }
}
