// Each memory plan's predicted peak (src/analysis/plan-memory.ts) against the allocator's measured
// peak of the step that runs it (src/train/blockwise-step.ts), measured here and now, within ±10%.
// Nothing in the plan model was fitted: these models and sizes (small, to keep the test fast) were
// not used to choose anything; the keep rules underneath were fitted on other rows (calibration/).
import { describe, it } from 'node:test';
import { CLASSES, measureStepPeak } from './live-peak.js';
import assert from 'node:assert/strict';
import { describeModel } from '../../src/zoo/registry.js';
import { candidatePlans, formatMemoryPlan, parseMemoryPlan, predictPlan } from '../../src/analysis/index.js';
import { frozenSegments } from '../../src/train/memory-choice.js';
import type { Freeze } from '../../src/train/config.js';
import type { MemoryFormat } from '../../src/train/memory-format.js';

const MAX_ERROR = 0.1;

function check(
  name: string,
  size: number,
  batch: number,
  freeze: Freeze = 'none',
  plans = candidatePlans(batch),
  format: MemoryFormat = 'nchw',
): void {
  describe(`${name} ${size}x${size} batch ${batch}${freeze === 'none' ? '' : `, freeze ${JSON.stringify(freeze)}`}, ${format}: predicted plan peaks within ±10%`, () => {
    const description = describeModel(name, {
      numClasses: CLASSES,
      inputSize: size,
      includePreprocessing: false,
    });
    for (const plan of plans)
      it(formatMemoryPlan(plan), (t) => {
        const measured = measureStepPeak({ name, size, batch, plan, freeze, format });
        const predicted = predictPlan(description, plan, {
          batchSize: batch,
          frozenSegments: frozenSegments(description, freeze),
          memoryFormat: format,
        }).peakBytes;
        const error = predicted / measured - 1;
        t.diagnostic(
          `measured ${(measured / 1e6).toFixed(2)} MB, predicted ${(predicted / 1e6).toFixed(2)} MB, error ${(100 * error).toFixed(1)}%`,
        );
        assert.ok(Math.abs(error) <= MAX_ERROR, `error ${(100 * error).toFixed(1)}%`);
      });
  });
}

// Every plan on one model; the others without the slowest (many micro-batches) to keep the test short.
const few = (batch: number) => candidatePlans(batch).filter((p) => p.microbatch <= 2);
check('xception-mini', 64, 8);
check('squeezenet-1.1', 48, 8, 'none', few(8));
check('mobilenet-v2-fire', 48, 4, 'none', few(4));
// Sparse update: the frozen prefix keeps nothing for backward and has no gradients or Adam state.
const sparse = candidatePlans(4).filter((p) => p.microbatch === 1);
check('mobilenet-v2', 48, 4, 'backbone', sparse);
check('efficientnet-v2-b0', 48, 4, { lastBlocks: 3 }, sparse);
// A frozen backbone whose largest layers are frozen: Adam's temporaries are the head's, not theirs;
// micro-batched, the peak is a frozen 3x3 convolution's weight reorders (two in channels-last).
const frozenPlans = [candidatePlans(16)[0]!, parseMemoryPlan('microbatch=8')];
check('xception-lite', 64, 16, 'backbone', frozenPlans);
check('xception-lite', 64, 16, 'backbone', frozenPlans, 'channels-last');
// bfloat16 moments: half the state, and the float32 temporaries of their update.
const bf16Moments = (batch: number) =>
  candidatePlans(batch, { bf16Moments: true }).filter((p) => p.moments === 'bf16' && p.microbatch === 1);
check('xception-mini', 64, 8, 'none', bf16Moments(8));
check('mobilenet-v2', 32, 4, 'none', bf16Moments(4));
