// Weights that do not fit a model are a UserInputError naming the file, for every way they can differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadWeights, saveWeights, StateDictError } from '../../src/nn/index.js';
import { UserInputError } from '../../src/util/errors.js';
import { readRaw, smallModel, writeRaw } from '../helpers/small-model.js';

test('weights of another shape, or with tensors missing or extra, are refused naming the file', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-state-'));
  const file = path.join(dir, 'weights.safetensors');
  const model = smallModel();
  await saveWeights(model, file);
  const { header, data } = await readRaw(file);
  const edits: [string, (h: Record<string, Record<string, unknown>>) => void, RegExp][] = [
    [
      'reshaped',
      (h) => (h['dense.weight'].shape = [4]),
      /dense\.weight has shape \[4\] but the model expects \[2, 2\]/,
    ],
    [
      'renamed',
      (h) => ((h['dense.extra'] = h['dense.weight']), delete h['dense.weight']),
      /missing dense\.weight, unexpected dense\.extra/,
    ],
  ];
  for (const [what, edit, message] of edits) {
    const edited = structuredClone(header) as Record<string, Record<string, unknown>>;
    edit(edited);
    await writeRaw(file, JSON.stringify(edited), data);
    await assert.rejects(loadWeights(model, file), (error: Error) => {
      assert.ok(error instanceof StateDictError && error instanceof UserInputError, `${what}: ${error.name}`);
      assert.ok(error.message.startsWith(`${file} does not fit the model`), `${what}: ${error.message}`);
      assert.match(error.message, message, what);
      return true;
    });
  }
  model.dispose();
  await rm(dir, { recursive: true });
});
