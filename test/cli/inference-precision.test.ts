// eval and predict --precision: the run's folded inference copy in bfloat16 autocast classifies as in
// float32 (top-1 agreement), the JSON says which precision ran and how it was chosen, and a bad value
// is a one-line usage error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { trainedRun } from '../helpers/trained-run.js';
import { bf16Support } from '../../src/engine/cpu-features.js';

const hasBf16 = bf16Support().length > 0;
let dir = '';
let run = '';
before(async () => {
  ({ dir, run } = await trainedRun(['--seed', '3']));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function json(args: string[]) {
  const result = runCli([...args, '--json']);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

test('predict --precision bf16 agrees with fp32 on at least 90% of the images and says bf16', () => {
  const images = path.join(dir, 'pcb', 'test');
  if (!hasBf16) {
    const refused = runCli(['predict', run, images, '--precision', 'bf16']);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /needs a CPU with bfloat16 instructions/);
    return;
  }
  const fp32 = json(['predict', run, images]);
  const bf16 = json(['predict', run, images, '--precision', 'bf16']);
  assert.deepEqual(fp32.precision, { precision: 'fp32', chosen: 'forced' });
  assert.deepEqual(bf16.precision, { precision: 'bf16', chosen: 'forced' });
  assert.ok(bf16.images.length >= 10, `${bf16.images.length} images`);
  const agree = bf16.images.filter(
    (image: { class: string }, i: number) => image.class === fp32.images[i].class,
  );
  assert.ok(agree.length >= 0.9 * bf16.images.length, `${agree.length} of ${bf16.images.length} agree`);
  // The probabilities differ: the forward pass did run in bfloat16.
  assert.ok(
    bf16.images.some(
      (image: { probability: number }, i: number) => image.probability !== fp32.images[i].probability,
    ),
  );
});

test('eval --precision bf16 evaluates and times in bf16, its accuracy within 10 points of fp32 accuracy', () => {
  if (!hasBf16) {
    const refused = runCli(['eval', run, '--precision', 'bf16']);
    assert.equal(refused.status, 2);
    return;
  }
  const fp32 = json(['eval', run]);
  const bf16 = json(['eval', run, '--precision', 'bf16']);
  assert.deepEqual(bf16.precision, { precision: 'bf16', chosen: 'forced' });
  assert.equal(bf16.images, fp32.images);
  const disagreeing = Math.abs(bf16.accuracy - fp32.accuracy) * bf16.images;
  assert.ok(disagreeing <= 0.1 * bf16.images, `accuracy ${bf16.accuracy} in bf16, ${fp32.accuracy} in fp32`);
  assert.ok(bf16.latency.folded.batchMs.median > 0);
});

test('eval --precision auto times both precisions and keeps the faster', () => {
  const { precision } = json(['eval', run, '--precision', 'auto']);
  if (!hasBf16) return assert.deepEqual(precision, { precision: 'fp32', chosen: 'unsupported' });
  assert.equal(precision.chosen, 'measured');
  assert.equal(precision.precision, precision.stepMs.bf16 < precision.stepMs.fp32 ? 'bf16' : 'fp32');
});

test('eval and predict refuse a --precision that is not auto, fp32 or bf16, in one line', () => {
  for (const command of [
    ['eval', run],
    ['predict', run, dir],
  ]) {
    const result = runCli([...command, '--precision', 'half']);
    assert.equal(result.status, 2, result.stderr);
    assert.match(
      result.stderr,
      /^pareto-edge: option '--precision <p>' argument 'half' is invalid\. It must be auto, fp32 or bf16\. Run .+\n$/,
    );
  }
});
