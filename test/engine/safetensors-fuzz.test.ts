// Property-based fuzzing of the safetensors reader with generated corruptions of a real weights file
// (byte flips, truncations, wrong header lengths, JSON edits). Every mutation must either load exactly
// the tensors its header declares, and then load into the model with finite weights, or be refused
// with a UserInputError naming the file: never a TypeError, never NaN weights, never a crash.
// FUZZ_SEED and FUZZ_RUNS repeat or widen a run (docs/reliability.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { dispose, loadSafetensors, manualSeed, setNumThreads, type Tensor } from '../../src/engine/index.js';
import { loadWeights, saveWeights } from '../../src/nn/index.js';
import { UserInputError } from '../../src/util/errors.js';
import { smallModel } from '../helpers/small-model.js';
import { mutations, parseOriginal } from '../helpers/mutations.js';

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261130);
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

const DTYPES: Record<string, string> = {
  F32: 'float32',
  F64: 'float64',
  F16: 'float16',
  BF16: 'bfloat16',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};

/** The header a mutated file declares, read independently of the reader under test. */
function declared(bytes: Buffer): Map<string, { dtype: string; shape: number[] }> {
  const length = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[] }
  >;
  return new Map(Object.entries(header).filter(([name]) => name !== '__metadata__'));
}

function allFinite(t: Tensor): boolean {
  return (t.toArray() as number[])
    .flat(Infinity as 1)
    .every((v) => typeof v !== 'number' || Number.isFinite(v));
}

test('fuzz: a corrupted weights file loads exactly as declared or is refused naming the file', async (t) => {
  setNumThreads(1); // a tiny model: worker threads would only spin
  manualSeed(FUZZ_SEED); // the same weights each run, so a seed repeats the same outcomes
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-st-fuzz-'));
  const originalFile = path.join(dir, 'weights.safetensors');
  const model = smallModel();
  await saveWeights(model, originalFile, { model: 'small' });
  const original = parseOriginal(await readFile(originalFile));
  const file = path.join(dir, 'mutated.safetensors');
  const counts = { loaded: 0, rejected: 0 };
  try {
    await fc.assert(
      fc.asyncProperty(mutations(original), async ({ mutate }) => {
        const bytes = mutate(original);
        await writeFile(file, bytes);
        let tensors: Record<string, Tensor>;
        try {
          ({ tensors } = await loadSafetensors(file));
        } catch (error) {
          assert.ok(error instanceof UserInputError, `not a UserInputError: ${String(error)}`);
          assert.ok(error.message.includes(file), `does not name the file: ${error.message}`);
          counts.rejected++;
          return;
        }
        try {
          const expected = declared(bytes);
          assert.deepEqual(Object.keys(tensors).sort(), [...expected.keys()].sort());
          for (const [name, { dtype, shape }] of expected) {
            assert.equal(tensors[name].dtype, DTYPES[dtype], name);
            assert.deepEqual(tensors[name].shape, shape, name);
          }
        } finally {
          dispose(tensors);
        }
        try {
          await loadWeights(model, file);
          for (const [name, w] of Object.entries(model.stateDict()))
            assert.ok(allFinite(w), `${name} is not finite`);
          counts.loaded++;
        } catch (error) {
          assert.ok(error instanceof UserInputError, `loading into the model: ${String(error)}`);
          assert.ok(error.message.includes(file), `does not name the file: ${error.message}`);
          counts.rejected++;
        }
      }),
      { seed: FUZZ_SEED, numRuns: FUZZ_RUNS },
    );
  } finally {
    model.dispose();
    await rm(dir, { recursive: true });
  }
  t.diagnostic(
    `seed ${FUZZ_SEED}: ${FUZZ_RUNS} mutations, ${counts.loaded} loaded, ${counts.rejected} rejected`,
  );
  assert.equal(counts.loaded + counts.rejected, FUZZ_RUNS);
  assert.ok(counts.loaded > 0 && counts.rejected > 0, 'the mutations reach both outcomes');
});
