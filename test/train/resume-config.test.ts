// --resume continues a run only with the settings it was trained with: run.json must say what the run
// used. Only epochs, threads, workers, the image cache and latency iterations may change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeSyntheticPcb } from '../../src/data/index.js';
import { train, DEFAULT_TRAIN_CONFIG, TrainInputError, type TrainConfig } from '../../src/train/index.js';
import { resumeMismatches } from '../../src/train/config.js';

let dir = '';
let base: TrainConfig;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pe-resume-config-'));
  const data = path.join(dir, 'data');
  await writeSyntheticPcb(data, {
    task: 'binary',
    size: 32,
    counts: { train: 32, val: 16, test: 16 },
    seed: 3,
  });
  base = {
    ...DEFAULT_TRAIN_CONFIG,
    model: 'mobilenet-v2',
    alpha: 0.35,
    data,
    inputSize: 32,
    epochs: 1,
    threads: 1,
    workers: 1,
    cacheImages: false,
    latencyIterations: 1,
  };
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function runJson(runDir: string): Promise<{ status: string; config: TrainConfig }> {
  return JSON.parse(await readFile(path.join(runDir, 'run.json'), 'utf8'));
}

test('--resume refuses every setting that changes what the run learns, naming it, and writes nothing', async () => {
  const runDir = path.join(dir, 'strict');
  await train(base, runDir, { quiet: true });
  const saved = await readFile(path.join(runDir, 'run.json'), 'utf8');

  const changes: [keyof TrainConfig, Partial<TrainConfig>, RegExp][] = [
    ['schedule', { schedule: { kind: 'cosine', minLearningRate: 0 } }, /"kind":"constant".*"kind":"cosine"/],
    ['weightDecay', { weightDecay: 0.01 }, /the run has 0, this command asks 0\.01/],
    ['momentum', { momentum: 0.5 }, /the run has 0\.9, this command asks 0\.5/],
    ['earlyStopping', { earlyStopping: { metric: 'valAcc', patience: 2 } }, /the run has null/],
    ['recalibrateBatchNorm', { recalibrateBatchNorm: true }, /the run has false, this command asks true/],
  ];
  for (const [field, change, values] of changes) {
    await assert.rejects(
      train({ ...base, ...change, epochs: 2 }, runDir, { resume: true, quiet: true }),
      (error: Error) => {
        assert.ok(error instanceof TrainInputError, `${field}: ${error.stack}`);
        assert.match(error.message, new RegExp(`${field}: the run has`), field);
        assert.match(error.message, values, field);
        assert.match(error.message, /choose another --out/, 'the message says how to fix it');
        return true;
      },
    );
  }
  assert.equal(
    await readFile(path.join(runDir, 'run.json'), 'utf8'),
    saved,
    'the refused resumes wrote nothing',
  );
});

test('--resume may change epochs, threads, workers, cache and latency iterations; run.json records them', async () => {
  const runDir = path.join(dir, 'allowed');
  await train(base, runDir, { quiet: true });
  const asked: TrainConfig = {
    ...base,
    epochs: 2,
    threads: 2,
    workers: 2,
    cacheImages: true,
    latencyIterations: 2,
  };
  const result = await train(asked, runDir, { resume: true, quiet: true });
  assert.equal(result.summary.history.length, 2);
  const record = await runJson(runDir);
  assert.equal(record.status, 'finished');
  assert.deepEqual(record.config, asked);
});

test('a memory plan saved before the moments part existed resumes as float32 moments, and only as them', () => {
  const { moments, ...before } = DEFAULT_TRAIN_CONFIG.memoryPlan;
  assert.equal(moments, 'fp32');
  const saved = { ...base, memoryPlan: before } as TrainConfig;
  assert.deepEqual(resumeMismatches(saved, base), []);
  const bf16 = { ...base, memoryPlan: { ...base.memoryPlan, moments: 'bf16' as const } };
  assert.deepEqual(
    resumeMismatches(saved, bf16).map((m) => m.field),
    ['memoryPlan'],
  );
});
