// The predicted training-step peak under bfloat16 autocast and in channels-last (src/analysis/memory.ts
// with `precision` and `memoryFormat`) against the allocator's measured peak of the step the trainer
// runs (src/train/blockwise-step.ts), measured here and now, within ±10%. These model × size cases
// were not used to choose any rule: the per-op rules were measured on single ops (docs/memory.md).
import { describe, it } from 'node:test';
import { describeStepCase, measureStepPeak } from './live-peak.js';
import assert from 'node:assert/strict';
import {
  DEFAULT_MEMORY_PLAN,
  formatMemoryPlan,
  parseMemoryPlan,
  predictPlan,
  type MemoryPlan,
} from '../../src/analysis/index.js';
import type { MemoryFormat } from '../../src/train/memory-format.js';
import type { Precision } from '../../src/train/precision.js';

const MAX_ERROR = 0.1;

interface Case {
  name: string;
  size: number;
  batch: number;
  precision: Precision;
  format: MemoryFormat;
  plan?: MemoryPlan;
}

const describeCase = describeStepCase;

function measure(c: Case): number {
  return measureStepPeak({ ...c, plan: c.plan ?? DEFAULT_MEMORY_PLAN });
}

function predict(c: Case, precision = c.precision): number {
  return predictPlan(describeCase(c), c.plan ?? DEFAULT_MEMORY_PLAN, {
    batchSize: c.batch,
    precision,
    memoryFormat: c.format,
  }).peakBytes;
}

const label = (c: Case) =>
  `${c.name} ${c.size}x${c.size} batch ${c.batch} ${c.precision} ${c.format}` +
  (c.plan ? ` ${formatMemoryPlan(c.plan)}` : '');
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

// Sizes at which the MobileNetV2 and EfficientNetV2 stacks end on 2×2 maps (40-64 px) exercise the
// channels-last depthwise rule; one case runs a memory plan (the block-wise step) in bf16.
const CASES: Case[] = [
  { name: 'mobilenet-v2', size: 64, batch: 4, precision: 'bf16', format: 'channels-last' },
  { name: 'mobilenet-v2', size: 40, batch: 2, precision: 'bf16', format: 'nchw' },
  { name: 'mobilenet-v2', size: 56, batch: 2, precision: 'fp32', format: 'channels-last' },
  { name: 'squeezenet-1.1', size: 56, batch: 4, precision: 'bf16', format: 'channels-last' },
  { name: 'squeezenet-1.1', size: 48, batch: 8, precision: 'fp32', format: 'channels-last' },
  { name: 'efficientnet-v2-b0', size: 40, batch: 2, precision: 'bf16', format: 'channels-last' },
  { name: 'xception-mini', size: 56, batch: 4, precision: 'bf16', format: 'nchw' },
  {
    name: 'xception-mini',
    size: 64,
    batch: 8,
    precision: 'bf16',
    format: 'channels-last',
    plan: parseMemoryPlan('checkpoint=blocks,optimizer=in-backward'),
  },
];

describe('predicted training-step peaks under bf16 and channels-last within ±10%', () => {
  for (const c of CASES)
    it(label(c), (t) => {
      const measured = measure(c);
      const predicted = predict(c);
      const error = predicted / measured - 1;
      t.diagnostic(
        `measured ${mb(measured)}, predicted ${mb(predicted)}, error ${(100 * error).toFixed(1)}%`,
      );
      assert.ok(Math.abs(error) <= MAX_ERROR, `error ${(100 * error).toFixed(1)}%`);
    });
});

// A model that ignored the precision would predict bf16 steps as float32 ones: outside the bound.
describe('the precision matters to the prediction', () => {
  const c: Case = { name: 'xception-mini', size: 64, batch: 8, precision: 'bf16', format: 'channels-last' };
  it(`${label(c)}: the float32 prediction misses the measured bf16 peak by more than 10%`, (t) => {
    const measured = measure(c);
    const asFloat32 = predict(c, 'fp32');
    const error = asFloat32 / measured - 1;
    t.diagnostic(
      `measured ${mb(measured)}, float32 prediction ${mb(asFloat32)}, error ${(100 * error).toFixed(1)}%`,
    );
    assert.ok(Math.abs(error) > MAX_ERROR, `error ${(100 * error).toFixed(1)}%`);
  });
});
