// Property-based fuzzing of checkpoint loading with generated corruptions of a real checkpoint: the
// safetensors corruptions of the weights fuzz plus edits of its metadata (optimizer step, progress).
// Each must either resume (progress consistent, a training step after it leaves finite weights) or be
// refused with a UserInputError naming the file. FUZZ_SEED and FUZZ_RUNS repeat or widen a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { Adam, manualSeed, setNumThreads } from '../../src/engine/index.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint.js';
import { UserInputError } from '../../src/util/errors.js';
import { EPOCH_RECORD, PROGRESS, smallModel, trainOnce } from '../helpers/small-model.js';
import { mutations, parseOriginal } from '../helpers/mutations.js';

const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

type Header = Record<string, unknown>;

/** The metadata of a copy of the header, to edit (an earlier edit may have removed or retyped it). */
function withMetadata(header: Header, change: (metadata: Record<string, unknown>) => void): Header {
  const copy = structuredClone(header);
  const metadata = copy.__metadata__;
  copy.__metadata__ = typeof metadata === 'object' && metadata !== null ? metadata : {};
  change(copy.__metadata__ as Record<string, unknown>);
  return copy;
}

const junk = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -5, max: 100 }),
  fc.double(),
  fc.string({ maxLength: 6 }),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
);
const stepText = fc.oneof(
  fc.constantFrom('abc', 'NaN', '-1', '1e3', ' 3', '', '0x10', '9007199254740993', '2.5', '07'),
  fc.nat(1000).map(String),
);
const progressField = fc.constantFrom('epochsDone', 'history', 'best', 'stopped', 'extra');
const recordField = fc.constantFrom(...Object.keys(EPOCH_RECORD));

const progressEdits = fc.oneof(
  fc.tuple(progressField, junk).map(([field, value]) => ({ ...PROGRESS, [field]: value })),
  fc.integer({ min: -2, max: 5 }).map((epochsDone) => ({ ...PROGRESS, epochsDone })),
  fc.nat(3).map((n) => ({ ...PROGRESS, history: Array.from({ length: n }, () => EPOCH_RECORD) })),
  fc
    .tuple(recordField, junk)
    .map(([field, value]) => ({ ...PROGRESS, history: [{ ...EPOCH_RECORD, [field]: value }] })),
  fc
    .tuple(fc.double(), fc.integer({ min: -1, max: 3 }))
    .map(([value, epoch]) => ({ ...PROGRESS, best: { value, epoch } })),
);

const metadataEdits = [
  stepText.map((step) => (h: Header) => withMetadata(h, (m) => (m.optimizer_step = step))),
  progressEdits.map((p) => (h: Header) => withMetadata(h, (m) => (m.progress = JSON.stringify(p)))),
  fc
    .constantFrom('progress', 'optimizer_step')
    .map((key) => (h: Header) => withMetadata(h, (m) => delete m[key])),
  fc.string({ maxLength: 10 }).map((text) => (h: Header) => withMetadata(h, (m) => (m.progress = text))),
];

test('fuzz: a corrupted checkpoint resumes consistently or is refused naming the file', async (t) => {
  setNumThreads(1); // a tiny model: worker threads would only spin
  manualSeed(FUZZ_SEED); // the same weights each run, so a seed repeats the same outcomes
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-ckpt-fuzz-'));
  const originalFile = path.join(dir, 'checkpoint.safetensors');
  const model = smallModel();
  const optimizer = new Adam(model.namedParameters());
  trainOnce(model, optimizer);
  await saveCheckpoint(originalFile, model, optimizer, PROGRESS);
  const original = parseOriginal(await readFile(originalFile));
  const file = path.join(dir, 'mutated.safetensors');
  const counts = { loaded: 0, rejected: 0 };
  try {
    await fc.assert(
      fc.asyncProperty(mutations(original, metadataEdits), async ({ mutate }) => {
        await writeFile(file, mutate(original));
        let progress;
        try {
          progress = await loadCheckpoint(file, model, optimizer);
        } catch (error) {
          assert.ok(error instanceof UserInputError, `not a UserInputError: ${String(error)}`);
          assert.ok(error.message.includes(file), `does not name the file: ${error.message}`);
          counts.rejected++;
          return;
        }
        assert.equal(progress.history.length, progress.epochsDone);
        assert.ok(
          Number.isSafeInteger(optimizer.step) && optimizer.step >= 0,
          `optimizer step ${optimizer.step}`,
        );
        trainOnce(model, optimizer);
        for (const [name, w] of Object.entries(model.stateDict())) {
          assert.ok(
            (w.toArray() as number[]).flat(3).every(Number.isFinite),
            `${name} is not finite after resuming`,
          );
        }
        counts.loaded++;
      }),
      { seed: FUZZ_SEED, numRuns: FUZZ_RUNS },
    );
  } finally {
    optimizer.dispose();
    model.dispose();
    await rm(dir, { recursive: true });
  }
  t.diagnostic(
    `seed ${FUZZ_SEED}: ${FUZZ_RUNS} mutations, ${counts.loaded} resumed, ${counts.rejected} rejected`,
  );
  assert.equal(counts.loaded + counts.rejected, FUZZ_RUNS);
  assert.ok(counts.loaded > 0 && counts.rejected > 0, 'the mutations reach both outcomes');
});
