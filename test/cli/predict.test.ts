// `pareto-edge predict RUN PATHS...` as a user runs it after `train`: folders, globs and files, the
// run's own preprocessing (its predictions are the ones `eval` counts), unreadable images skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { trainedRun } from '../helpers/trained-run.js';

test("predict classifies folders, globs and files with the run's preprocessing and skips unreadable images", async () => {
  const { dir, run } = await trainedRun([]);
  try {
    const testDir = path.join(dir, 'pcb', 'test');
    const folder = runCli(['predict', run, testDir, '--json', '--batch', '7']);
    assert.equal(folder.status, 0, folder.stderr);
    const result = JSON.parse(folder.stdout);
    assert.equal(result.images.length, 20);
    assert.deepEqual(result.skipped, []);
    assert.ok(result.foldedBatchNorms > 0, 'classified with BatchNorm folded into the convolutions');
    for (const image of result.images) {
      const total = Object.values(image.probabilities as Record<string, number>).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(total - 1) < 1e-5, `probabilities sum to 1, got ${total}`);
      assert.equal(image.top[0].class, image.class);
    }

    // The same images through eval: its confusion matrix's columns count the predicted classes.
    const evaluation = JSON.parse(runCli(['eval', run, '--json']).stdout);
    const predictedCounts = result.classes.map(
      (name: string) => result.images.filter((image: { class: string }) => image.class === name).length,
    );
    const evalCounts = result.classes.map((_: string, j: number) =>
      evaluation.confusion.reduce((sum: number, row: number[]) => sum + row[j], 0),
    );
    assert.deepEqual(predictedCounts, evalCounts);

    const corrupt = path.join(dir, 'broken.png');
    await writeFile(corrupt, 'not a png');
    const globbed = runCli(['predict', run, path.join(testDir, '*', '*'), corrupt, '--top', '1', '--json']);
    assert.equal(globbed.status, 0, globbed.stderr);
    const fromGlob = JSON.parse(globbed.stdout);
    assert.deepEqual(
      fromGlob.images.map((image: { class: string }) => image.class),
      result.images.map((image: { class: string }) => image.class),
    );
    assert.ok(fromGlob.images.every((image: { top: unknown[] }) => image.top.length === 1));
    assert.equal(fromGlob.skipped.length, 1);
    assert.equal(fromGlob.skipped[0].path, corrupt);
    assert.match(globbed.stderr, /skipped unreadable image .*broken\.png: not an image/);

    const table = runCli(['predict', run, corrupt, testDir]);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /^image +class +prob +top/);
    assert.match(table.stdout, /20 image\(s\) classified by xception-mini in fp32, 1 unreadable skipped/);

    const nothing = runCli(['predict', run, path.join(dir, 'nowhere')]);
    assert.equal(nothing.status, 2);
    assert.match(nothing.stderr, /nowhere does not exist/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
