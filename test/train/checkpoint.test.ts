// A checkpoint's metadata and tensors are checked before a run resumes from it: a corrupt or foreign
// one is refused with the file and the field named, never resumed into NaN weights or a wrong epoch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Adam } from '../../src/engine/index.js';
import { saveCheckpoint, loadCheckpoint } from '../../src/train/checkpoint.js';
import { UserInputError } from '../../src/util/errors.js';
import { EPOCH_RECORD, PROGRESS, readRaw, smallModel, trainOnce, writeRaw } from '../helpers/small-model.js';

/** Saves a real checkpoint, lets edit change its header, and loads it into a fresh model. */
async function loadEdited(edit: (header: Record<string, Record<string, unknown>>, data: Buffer) => void) {
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-ckpt-'));
  const file = path.join(dir, 'checkpoint.safetensors');
  const saved = smallModel();
  const savedOptimizer = new Adam(saved.namedParameters());
  trainOnce(saved, savedOptimizer);
  await saveCheckpoint(file, saved, savedOptimizer, PROGRESS);
  savedOptimizer.dispose();
  saved.dispose();
  const { header, data } = await readRaw(file);
  edit(header as Record<string, Record<string, unknown>>, data);
  await writeRaw(file, JSON.stringify(header), data);
  const model = smallModel();
  const optimizer = new Adam(model.namedParameters());
  try {
    const progress = await loadCheckpoint(file, model, optimizer);
    trainOnce(model, optimizer);
    const finite = Object.values(model.stateDict()).every((t) =>
      (t.toArray() as number[]).every(Number.isFinite),
    );
    return { file, progress, finite };
  } catch (error) {
    return { file, error: error as Error };
  } finally {
    optimizer.dispose();
    model.dispose();
    await rm(dir, { recursive: true });
  }
}

function assertRefused(result: { file: string; error?: Error }, message: RegExp): void {
  assert.ok(result.error, 'the checkpoint was loaded');
  assert.ok(result.error instanceof UserInputError, `${result.error.name}: ${result.error.message}`);
  assert.ok(result.error.message.startsWith(`${result.file} cannot be resumed from`), result.error.message);
  assert.match(result.error.message, message);
}

test('a checkpoint as saved resumes with its progress and finite weights', async () => {
  const result = await loadEdited(() => {});
  assert.equal(result.error, undefined);
  assert.deepEqual(result.progress, PROGRESS);
  assert.equal(result.finite, true);
});

test('a non-numeric optimizer step is refused (it resumed with NaN weights)', async () => {
  const result = await loadEdited((header) => {
    header.__metadata__.optimizer_step = 'abc';
  });
  assertRefused(result, /__metadata__\.optimizer_step must be a whole number of steps/);
});

test('epochsDone beyond the history is refused (it marked a 2-epoch run finished after 1)', async () => {
  const result = await loadEdited((header) => {
    header.__metadata__.progress = JSON.stringify({ ...PROGRESS, epochsDone: 99 });
  });
  assertRefused(result, /progress\.epochsDone says 99 epochs are done but the history holds 1/);
});

test('a progress field of the wrong type is refused by name', async () => {
  const result = await loadEdited((header) => {
    header.__metadata__.progress = JSON.stringify({
      ...PROGRESS,
      history: [{ ...EPOCH_RECORD, epoch: '1' }],
    });
  });
  assertRefused(result, /progress\.history\.0\.epoch/);
});

test('a reshaped optimizer buffer is refused before training (it failed mid-epoch)', async () => {
  const result = await loadEdited((header) => {
    header['optimizer/m/conv.weight'].shape = [1, 2, 1, 1];
  });
  assertRefused(
    result,
    /tensor "optimizer\/m\/conv\.weight" is float32 \[1, 2, 1, 1\] but this run needs float32 \[2, 1, 1, 1\]/,
  );
});

test('a model tensor of another shape, a missing generator state or a stray tensor is refused by name', async () => {
  assertRefused(
    await loadEdited((header) => {
      header['model/dense.weight'].shape = [4];
    }),
    /tensor "model\/dense\.weight" is float32 \[4\]/,
  );
  assertRefused(
    await loadEdited((header) => {
      header.stray = header.rng_state;
      delete header.rng_state;
    }),
    /tensor "stray" belongs to no model, optimizer or generator/,
  );
});

test('optimizer state the update rule cannot continue from (NaN, a negative second moment) is refused', async () => {
  const setFirst =
    (entry: string, value: number) => (h: Record<string, Record<string, unknown>>, data: Buffer) =>
      data.writeFloatLE(value, (h[entry].data_offsets as number[])[0]);
  assertRefused(
    await loadEdited(setFirst('optimizer/v/dense.bias', -1)),
    /"optimizer\/v\/dense\.bias" holds negative values/,
  );
  assertRefused(
    await loadEdited(setFirst('optimizer/m/dense.bias', NaN)),
    /"optimizer\/m\/dense\.bias" has 1 of its 2 values NaN or infinite/,
  );
});
