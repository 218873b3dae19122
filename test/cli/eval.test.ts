// `pareto-edge eval RUN` as a user runs it after `train`: the test split by default with BatchNorm
// folded (latency of both graphs, also in run.json), --recalibrate-bn,
// and a clear error for a bad split; and `train --recalibrate-bn`, whose saved weights carry the
// re-estimated statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, readdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { trainedRun } from '../helpers/trained-run.js';

test('eval reports a run on its test split, and with --recalibrate-bn re-estimates BatchNorm first', async () => {
  const { dir, run } = await trainedRun([]);
  try {
    const weightsBefore = await readFile(path.join(run, 'weights.safetensors'));

    const plain = runCli(['eval', run, '--json']);
    assert.equal(plain.status, 0, plain.stderr);
    const result = JSON.parse(plain.stdout);
    assert.equal(result.split, 'test');
    assert.equal(result.images, 20);
    assert.equal(result.recalibration, null);
    assert.ok(result.foldedBatchNorms > 0, 'evaluated with BatchNorm folded into the convolutions');
    for (const latency of [result.latency, result.latency.folded])
      assert.ok(latency.batchMs.median > 0 && latency.imageMs.median > 0);
    const { summary } = JSON.parse(await readFile(path.join(run, 'run.json'), 'utf8'));
    assert.ok(summary.inference.folded.batchMs.median > 0, 'run.json has the folded latency beside');
    assert.ok(summary.inference.batchMs.median > 0, 'the training graph latency');
    const counted = result.confusion.flat().reduce((a: number, b: number) => a + b, 0);
    assert.equal(counted, 20, 'the confusion matrix counts every test image');

    const recalibrated = runCli(['eval', run, '--recalibrate-bn']);
    assert.equal(recalibrated.status, 0, recalibrated.stderr);
    const layers = /BatchNorm statistics re-estimated from 40 training images \((\d+) layers\)/.exec(
      recalibrated.stdout,
    );
    assert.ok(layers, recalibrated.stdout);
    assert.ok(Number(layers[1]) > 0);
    assert.match(recalibrated.stdout, /on the test split \(20 images\): accuracy \d+\.\d\d%/);
    const recalibratedLoss = Number(/loss (\d+\.\d+)/.exec(recalibrated.stdout)?.[1]);
    assert.notEqual(
      recalibratedLoss.toFixed(4),
      result.loss.toFixed(4),
      'the statistics changed the outputs',
    );
    assert.deepEqual(
      await readFile(path.join(run, 'weights.safetensors')),
      weightsBefore,
      "the run's weights are unchanged",
    );

    const bad = runCli(['eval', run, '--split', 'holdout']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--split must be train, val or test, got "holdout"/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('train --recalibrate-bn validates, tests and saves with re-estimated statistics, which eval then reproduces', async () => {
  const { dir, run, stdout } = await trainedRun(['--recalibrate-bn', '--json']);
  try {
    const summary = JSON.parse(stdout);
    assert.equal(summary.batchNormRecalibration.images, 40);
    assert.ok(summary.batchNormRecalibration.layers > 0);

    const plain = JSON.parse(runCli(['eval', run, '--json']).stdout);
    assert.equal(plain.accuracy, summary.final.testAcc);
    assert.ok(
      Math.abs(plain.loss - summary.final.testLoss) < 1e-5,
      `the saved weights hold the statistics the test used: loss ${plain.loss} vs ${summary.final.testLoss}`,
    );
    // The validation accuracy a search or a report selects by is the tested model's too.
    const val = JSON.parse(runCli(['eval', run, '--split', 'val', '--json']).stdout);
    assert.equal(val.accuracy, summary.final.valAcc, 'final.valAcc is measured after the re-estimation');
    const lastEpoch = summary.history.at(-1);
    assert.notEqual(
      `${lastEpoch.valAcc}/${lastEpoch.valLoss}`,
      `${val.accuracy}/${val.loss}`,
      'the last epoch measured validation with the moving statistics (else this test shows nothing)',
    );
    const again = JSON.parse(runCli(['eval', run, '--recalibrate-bn', '--json']).stdout);
    assert.ok(
      Math.abs(again.loss - summary.final.testLoss) < 1e-4,
      `re-estimating again from the same images changes nothing: loss ${again.loss} vs ${summary.final.testLoss}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a frozen backbone keeps its BatchNorm statistics when train or eval re-estimates them', async () => {
  // Only the head trains, and it has no BatchNorm: nothing is re-estimated, so nothing the head learned
  // against moves.
  const { dir, run, stdout } = await trainedRun(['--freeze', 'backbone', '--recalibrate-bn', '--json']);
  try {
    const summary = JSON.parse(stdout);
    assert.equal(summary.batchNormRecalibration.layers, 0);
    const again = runCli(['eval', run, '--recalibrate-bn']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /re-estimated from 40 training images \(0 layers\)/);
    const loss = Number(/loss (\d+\.\d+)/.exec(again.stdout)?.[1]);
    assert.ok(Math.abs(loss - summary.final.testLoss) < 1e-4, `loss ${loss} vs ${summary.final.testLoss}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("eval --data evaluates someone else's folder whole, reads a lone test/ folder, follows links and matches classes by name", async () => {
  const { dir, run } = await trainedRun([]);
  try {
    const data = path.join(dir, 'pcb');
    const classes = (await readdir(path.join(data, 'train'))).sort();
    // Class-per-folder, assembled from links to the training images: all 40 are evaluated.
    const other = path.join(dir, 'other');
    await mkdir(other);
    for (const name of classes) await symlink(path.join(data, 'train', name), path.join(other, name));
    const whole = runCli(['eval', run, '--data', other, '--json']);
    assert.equal(whole.status, 0, whole.stderr);
    assert.equal(JSON.parse(whole.stdout).split, 'all');
    assert.equal(JSON.parse(whole.stdout).images, 40);
    assert.match(runCli(['eval', run, '--data', other]).stdout, /on all 40 images of /);

    const lone = path.join(dir, 'lone');
    await mkdir(lone);
    await symlink(path.join(data, 'test'), path.join(lone, 'test'));
    const loneResult = runCli(['eval', run, '--data', lone, '--json']);
    assert.equal(loneResult.status, 0, loneResult.stderr);
    assert.equal(JSON.parse(loneResult.stdout).images, 20);

    await mkdir(path.join(other, 'scratch'));
    await cp(path.join(data, 'test', classes[0]), path.join(other, 'scratch'), { recursive: true });
    const extra = runCli(['eval', run, '--data', other]);
    assert.equal(extra.status, 2);
    assert.match(extra.stderr, /class folder\(s\) scratch that the model was not trained on/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
