// The memory format a run trains in: `auto` measures both formats once per machine and workload
// (then reads the cache), a forced format measures nothing, both formats compute the same step, and
// configurations written before memoryFormat (channelsLast: boolean) still read as the format they ran in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Adam, manualSeed, randn, tensor, tidy } from '../../src/engine/index.js';
import { buildModel } from '../../src/models/index.js';
import { describeModel } from '../../src/zoo/registry.js';
import { DEFAULT_MEMORY_PLAN } from '../../src/analysis/memory-plan.js';
import { trainStep } from '../../src/train/step.js';
import { tensorFormat, type MemoryFormat } from '../../src/train/memory-format.js';
import {
  chooseStepSettings,
  type ChooseOptions,
  type StepSettings,
  type StepWorkload,
} from '../../src/train/step-settings-choice.js';
import type { MemoryFormatSetting } from '../../src/train/memory-format.js';
import { DEFAULT_TRAIN_CONFIG, upgradeTrainConfig, type LegacyTrainConfig } from '../../src/train/config.js';

let cacheDir = '';
before(async () => {
  cacheDir = await mkdtemp(path.join(tmpdir(), 'pe-memory-format-'));
});
after(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const description = describeModel('xception-mini', {
  numClasses: 3,
  inputSize: 32,
  includePreprocessing: false,
});
const workload: StepWorkload = { description, batchSize: 2, threads: 1, plan: DEFAULT_MEMORY_PLAN };

/** The format a setting means in fp32. */
function chooseMemoryFormat(setting: MemoryFormatSetting, w: StepWorkload, options: ChooseOptions) {
  return chooseStepSettings({ memoryFormat: setting, precision: 'fp32' }, w, options).memoryFormat;
}

/** A timer that counts its calls and says channels-last is faster. */
function countingTimer() {
  const calls: MemoryFormat[] = [];
  const measure = ({ format }: StepSettings) => {
    calls.push(format);
    return format === 'channels-last' ? 5 : 8;
  };
  return { calls, measure };
}

test('auto times a real training step in each format, picks the faster and says how', () => {
  const dir = path.join(cacheDir, 'real');
  const choice = chooseMemoryFormat('auto', workload, { cacheDir: dir });
  assert.equal(choice.chosen, 'measured');
  if (choice.chosen !== 'measured') return;
  assert.ok(choice.stepMs.nchw > 0 && choice.stepMs['channels-last'] > 0, JSON.stringify(choice));
  const faster = choice.stepMs['channels-last'] < choice.stepMs.nchw ? 'channels-last' : 'nchw';
  assert.equal(choice.format, faster);
  assert.equal(choice.cached, false);
});

test('auto measures once per workload: the second choice reads the cache', () => {
  const dir = path.join(cacheDir, 'counted');
  const timer = countingTimer();
  const first = chooseMemoryFormat('auto', workload, { cacheDir: dir, measure: timer.measure });
  assert.deepEqual(timer.calls.sort(), ['channels-last', 'nchw']);
  assert.deepEqual(first, {
    format: 'channels-last',
    chosen: 'measured',
    stepMs: { nchw: 8, 'channels-last': 5 },
    cached: false,
  });
  const second = chooseMemoryFormat('auto', workload, { cacheDir: dir, measure: timer.measure });
  assert.equal(timer.calls.length, 2, 'the second choice measured again');
  assert.deepEqual(second, { ...first, cached: true });
  // Another batch is another workload.
  chooseMemoryFormat('auto', { ...workload, batchSize: 4 }, { cacheDir: dir, measure: timer.measure });
  assert.equal(timer.calls.length, 4, 'a different batch size reused the cached choice');
});

test('a forced format measures nothing', () => {
  const timer = countingTimer();
  for (const format of ['nchw', 'channels-last'] as const) {
    const choice = chooseMemoryFormat(format, workload, { cacheDir, measure: timer.measure });
    assert.deepEqual(choice, { format, chosen: 'forced' });
  }
  assert.equal(timer.calls.length, 0);
});

/**
 * The loss and every gradient of a step (Adam's update would compare less: its first step is about
 * lr·sign(gradient), so a gradient near 0 can flip on rounding alone). Measured here: 2.4e-7 apart in
 * the loss and at most 2.3e-6 in a gradient (not 0: the two formats run different kernels).
 */
test('a training step computes the same loss and gradients in both formats (within 1e-5)', () => {
  const results = (['nchw', 'channels-last'] as const).map((format) => {
    manualSeed(4);
    const model = buildModel(description);
    const optimizer = new Adam(model.trainableParameters());
    try {
      return tidy(() => {
        manualSeed(9);
        const x = randn([2, 3, 32, 32]).contiguous(tensorFormat(format));
        const y = tensor([0, 2], [2], { dtype: 'int64' });
        const { loss } = trainStep(model, optimizer, x, y);
        const gradients = model.trainableParameters().map(([, p]) => p.grad!.toFloat32Array());
        return { loss, gradients };
      });
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  });
  const [nchw, channelsLast] = results as [(typeof results)[0], (typeof results)[0]];
  assert.ok(Math.abs(nchw.loss - channelsLast.loss) <= 1e-5, `loss ${nchw.loss} vs ${channelsLast.loss}`);
  let worst = 0;
  nchw.gradients.forEach((g, i) =>
    g.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - channelsLast.gradients[i]![j]!)))),
  );
  assert.ok(worst <= 1e-5, `gradients differ by up to ${worst}`);
});

test('a configuration from before memoryFormat reads channelsLast as the format it ran in', () => {
  const { memoryFormat: _dropped, ...today } = DEFAULT_TRAIN_CONFIG;
  const legacy = (channelsLast: boolean): LegacyTrainConfig => ({
    ...today,
    model: 'xception-mini',
    data: 'synthetic-pcb',
    channelsLast,
  });
  assert.equal(upgradeTrainConfig(legacy(true)).memoryFormat, 'channels-last');
  assert.equal(upgradeTrainConfig(legacy(false)).memoryFormat, 'nchw');
  assert.ok(!('channelsLast' in upgradeTrainConfig(legacy(true))));
  // An older search's settings spread over today's defaults: what the search asked for wins.
  assert.equal(upgradeTrainConfig({ ...legacy(false), memoryFormat: 'auto' }).memoryFormat, 'nchw');
  const current = { ...DEFAULT_TRAIN_CONFIG, model: 'xception-mini', data: 'synthetic-pcb' };
  assert.deepEqual(upgradeTrainConfig(current), current);
});
