// A checkpoint holds bfloat16 Adam moments exactly, and a run resumed from it takes the same steps as
// one never interrupted (the rounding draws are seeded by step and parameter, not a running stream).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Adam, manualSeed, readSafetensorsHeader, type Tensor } from '../../src/engine/index.js';
import { saveCheckpoint, loadCheckpoint } from '../../src/train/checkpoint.js';
import { writeSyntheticPcb } from '../../src/data/index.js';
import { parseMemoryPlan } from '../../src/analysis/index.js';
import { train, DEFAULT_TRAIN_CONFIG } from '../../src/train/index.js';
import { UserInputError } from '../../src/util/errors.js';
import { PROGRESS, smallModel, trainOnce } from '../helpers/small-model.js';

const bf16 = { learningRate: 0.01, momentDtype: 'bfloat16', roundingSeed: 11 } as const;

/** Each tensor's elements; a bfloat16 one's as its raw 16 bits, so equality is bit for bit. */
function bytesOf(tensors: Record<string, Tensor>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, t.toArray()]));
}

async function withDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-bf16-moments-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true });
  }
}

const withFile = <T>(use: (file: string) => Promise<T>): Promise<T> =>
  withDir((dir) => use(path.join(dir, 'checkpoint.safetensors')));

test('bfloat16 moments are saved and loaded exactly, and resumed steps equal uninterrupted ones', async () => {
  await withFile(async (file) => {
    manualSeed(1);
    const model = smallModel();
    const optimizer = new Adam(model.namedParameters(), bf16);
    for (let i = 0; i < 3; i++) trainOnce(model, optimizer);
    await saveCheckpoint(file, model, optimizer, PROGRESS);
    const saved = bytesOf(optimizer.stateDict().buffers);
    assert.ok(Object.values(optimizer.stateDict().buffers).every((t) => t.dtype === 'bfloat16'));
    for (let i = 0; i < 3; i++) trainOnce(model, optimizer);

    const resumed = smallModel();
    const resumedOptimizer = new Adam(resumed.namedParameters(), bf16);
    await loadCheckpoint(file, resumed, resumedOptimizer);
    assert.deepEqual(bytesOf(resumedOptimizer.stateDict().buffers), saved);
    for (let i = 0; i < 3; i++) trainOnce(resumed, resumedOptimizer);

    assert.deepEqual(bytesOf(resumed.stateDict()), bytesOf(model.stateDict()));
    assert.deepEqual(bytesOf(resumedOptimizer.stateDict().buffers), bytesOf(optimizer.stateDict().buffers));
    [optimizer, resumedOptimizer, model, resumed].forEach((o) => o.dispose());
  });
});

test('float32 moments are refused by a run that keeps them in bfloat16, naming both dtypes', async () => {
  await withFile(async (file) => {
    const model = smallModel();
    const optimizer = new Adam(model.namedParameters());
    trainOnce(model, optimizer);
    await saveCheckpoint(file, model, optimizer, PROGRESS);
    const resumedOptimizer = new Adam(model.namedParameters(), bf16);
    await assert.rejects(
      loadCheckpoint(file, model, resumedOptimizer),
      (error: Error) =>
        error instanceof UserInputError &&
        /tensor "optimizer\/[mv]\/[\w.]+" is float32 \[[\d, ]+\] but this run needs bfloat16/.test(
          error.message,
        ),
    );
    [optimizer, resumedOptimizer, model].forEach((o) => o.dispose());
  });
});

test('a run with --memory-plan moments=bf16 checkpoints bfloat16 moments and resumes from them', async () => {
  await withDir(async (dir) => {
    const data = path.join(dir, 'data');
    await writeSyntheticPcb(data, {
      task: 'binary',
      size: 32,
      counts: { train: 8, val: 4, test: 4 },
      seed: 1,
    });
    const config = {
      ...DEFAULT_TRAIN_CONFIG,
      model: 'mobilenet-v2',
      alpha: 0.35,
      data,
      inputSize: 32,
      batchSize: 4,
      epochs: 1,
      threads: 1,
      workers: 1,
      cacheImages: false,
      latencyIterations: 1,
      memoryPlan: parseMemoryPlan('moments=bf16'),
    };
    const runDir = path.join(dir, 'run');
    await train(config, runDir, { quiet: true });
    const header = await readSafetensorsHeader(path.join(runDir, 'checkpoint.safetensors'));
    const moments = Object.entries(header).filter(([name]) => name.startsWith('optimizer/'));
    assert.ok(moments.length > 0);
    for (const [name, entry] of moments) assert.equal((entry as { dtype: string }).dtype, 'BF16', name);
    const resumed = await train({ ...config, epochs: 2 }, runDir, { quiet: true, resume: true });
    assert.equal(resumed.summary.epochs, 2);
  });
});
