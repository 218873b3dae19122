// `--precision auto`: on a CPU with bfloat16 instructions it times a step in each precision (jointly
// with the memory format's candidates when that is auto too), keeps the faster and caches the times;
// on a CPU without them it is fp32, measured by nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCpuFlags } from '../../src/engine/index.js';
import { describeModel } from '../../src/zoo/registry.js';
import { DEFAULT_MEMORY_PLAN } from '../../src/analysis/memory-plan.js';
import {
  chooseStepSettings,
  type StepSettings,
  type StepWorkload,
} from '../../src/train/step-settings-choice.js';
import { chooseMemoryPlan } from '../../src/train/memory-choice.js';
import { DEFAULT_TRAIN_CONFIG } from '../../src/train/config.js';

let cacheRoot = '';
before(async () => {
  cacheRoot = await mkdtemp(path.join(tmpdir(), 'pe-precision-auto-'));
});
after(async () => {
  await rm(cacheRoot, { recursive: true, force: true });
});

const workload: StepWorkload = {
  description: describeModel('xception-mini', { numClasses: 3, inputSize: 32, includePreprocessing: false }),
  batchSize: 2,
  threads: 1,
  plan: DEFAULT_MEMORY_PLAN,
};
const withBf16 = () => readCpuFlags(() => 'flags\t\t: fpu sse2 avx2 avx512f avx512_bf16\n');
const withoutBf16 = () => readCpuFlags(() => 'flags\t\t: fpu sse2 avx2 avx512f\n');

/** A timer that records what it timed and answers from a table of step times. */
function tableTimer(times: Record<string, number>) {
  const calls: string[] = [];
  const measure = ({ format, precision }: StepSettings) => {
    calls.push(`${format} ${precision}`);
    return times[`${format} ${precision}`]!;
  };
  return { calls, measure };
}

test('auto with bfloat16 instructions measures both precisions, keeps bf16 when faster and caches', () => {
  const cacheDir = path.join(cacheRoot, 'bf16-faster');
  const timer = tableTimer({ 'nchw fp32': 10, 'nchw bf16': 6 });
  const options = { cacheDir, measure: timer.measure, cpuFlags: withBf16 };
  const settings = { memoryFormat: 'nchw', precision: 'auto' } as const;
  const first = chooseStepSettings(settings, workload, options);
  assert.deepEqual(timer.calls.sort(), ['nchw bf16', 'nchw fp32']);
  assert.deepEqual(first, {
    memoryFormat: { format: 'nchw', chosen: 'forced' },
    precision: { precision: 'bf16', chosen: 'measured', stepMs: { fp32: 10, bf16: 6 }, cached: false },
  });
  const second = chooseStepSettings(settings, workload, options);
  assert.equal(timer.calls.length, 2, 'the second choice measured again');
  assert.deepEqual(second.precision, { ...first.precision, cached: true });
});

test('auto keeps fp32 where fp32 measures faster', () => {
  const timer = tableTimer({ 'channels-last fp32': 4, 'channels-last bf16': 7 });
  const { precision } = chooseStepSettings({ memoryFormat: 'channels-last', precision: 'auto' }, workload, {
    cacheDir: path.join(cacheRoot, 'fp32-faster'),
    measure: timer.measure,
    cpuFlags: withBf16,
  });
  assert.deepEqual(precision, {
    precision: 'fp32',
    chosen: 'measured',
    stepMs: { fp32: 4, bf16: 7 },
    cached: false,
  });
});

test('format auto and precision auto measure every combination once and keep the fastest', () => {
  const timer = tableTimer({
    'nchw fp32': 10,
    'nchw bf16': 9,
    'channels-last fp32': 8,
    'channels-last bf16': 5,
  });
  const chosen = chooseStepSettings({ memoryFormat: 'auto', precision: 'auto' }, workload, {
    cacheDir: path.join(cacheRoot, 'both'),
    measure: timer.measure,
    cpuFlags: withBf16,
  });
  assert.equal(timer.calls.length, 4);
  assert.deepEqual(chosen, {
    memoryFormat: {
      format: 'channels-last',
      chosen: 'measured',
      stepMs: { nchw: 9, 'channels-last': 5 }, // in the chosen precision
      cached: false,
    },
    precision: { precision: 'bf16', chosen: 'measured', stepMs: { fp32: 8, bf16: 5 }, cached: false },
  });
});

test('after format auto measured in fp32, precision auto measures only bf16 (the cache holds the rest)', () => {
  const cacheDir = path.join(cacheRoot, 'shared');
  const timer = tableTimer({
    'nchw fp32': 10,
    'channels-last fp32': 8,
    'nchw bf16': 12,
    'channels-last bf16': 7,
  });
  const options = { cacheDir, measure: timer.measure, cpuFlags: withBf16 };
  chooseStepSettings({ memoryFormat: 'auto', precision: 'fp32' }, workload, options);
  assert.deepEqual(timer.calls.sort(), ['channels-last fp32', 'nchw fp32']);
  const both = chooseStepSettings({ memoryFormat: 'auto', precision: 'auto' }, workload, options);
  assert.deepEqual(timer.calls.slice(2).sort(), ['channels-last bf16', 'nchw bf16']);
  assert.equal(both.precision.precision, 'bf16');
  assert.equal(both.memoryFormat.format, 'channels-last');
});

test('auto without bfloat16 instructions is fp32, unmeasured, and says why', () => {
  const timer = tableTimer({ 'nchw fp32': 10, 'channels-last fp32': 8 });
  const options = {
    cacheDir: path.join(cacheRoot, 'without'),
    measure: timer.measure,
    cpuFlags: withoutBf16,
  };
  const forcedFormat = chooseStepSettings({ memoryFormat: 'nchw', precision: 'auto' }, workload, options);
  assert.deepEqual(forcedFormat.precision, { precision: 'fp32', chosen: 'unsupported' });
  assert.equal(timer.calls.length, 0);
  // With the format auto, only the formats are measured, in fp32.
  const autoFormat = chooseStepSettings({ memoryFormat: 'auto', precision: 'auto' }, workload, options);
  assert.deepEqual(autoFormat.precision, { precision: 'fp32', chosen: 'unsupported' });
  assert.deepEqual(timer.calls.sort(), ['channels-last fp32', 'nchw fp32']);
});

test('auto times a real bf16 and fp32 training step and keeps the faster', () => {
  const { precision } = chooseStepSettings({ memoryFormat: 'nchw', precision: 'auto' }, workload, {
    cacheDir: path.join(cacheRoot, 'real'),
    cpuFlags: withBf16,
  });
  assert.equal(precision.chosen, 'measured');
  if (precision.chosen !== 'measured') return;
  assert.ok(precision.stepMs.fp32 > 0 && precision.stepMs.bf16 > 0, JSON.stringify(precision));
  assert.equal(precision.precision, precision.stepMs.bf16 < precision.stepMs.fp32 ? 'bf16' : 'fp32');
});

test('the memory model predicts a precision auto run in the precision whose peak is the larger', () => {
  const predicted = (precision: 'auto' | 'fp32' | 'bf16', batchSize: number) =>
    chooseMemoryPlan(
      {
        ...DEFAULT_TRAIN_CONFIG,
        precision,
        memoryFormat: 'nchw',
        batchSize,
        memoryPlan: { ...DEFAULT_TRAIN_CONFIG.memoryPlan, optimizer: 'in-backward' },
      },
      describeModel('mobilenet-v2', { numClasses: 2, inputSize: 32, includePreprocessing: false }),
    ).record.predictedPeakBytes;
  // Optimizer in backward, batch 1: bf16's weight copies outweigh the activations it halves;
  // batch 32: the other way round.
  assert.ok(predicted('bf16', 1) > predicted('fp32', 1));
  assert.ok(predicted('fp32', 32) > predicted('bf16', 32));
  for (const batch of [1, 32])
    assert.equal(predicted('auto', batch), Math.max(predicted('fp32', batch), predicted('bf16', batch)));
});
