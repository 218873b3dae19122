// `train --augment flips`: the demo's lossless augmentation, recorded in run.json so a resumed run
// and the report know what the run used; a kind that does not exist is refused naming the choices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { trainedRun } from '../helpers/trained-run.js';

test('train --augment flips trains with flips only and records it; --augment rotate is refused', async () => {
  const { dir, run } = await trainedRun(['--augment', 'flips']);
  try {
    const record = JSON.parse(await readFile(path.join(run, 'run.json'), 'utf8'));
    assert.equal(record.config.augment, 'flips');
    const refused = runCli([
      'train',
      '--model',
      'xception-mini',
      '--data',
      'synthetic-pcb',
      '--augment',
      'rotate',
    ]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /'--augment <kind>' argument 'rotate' is invalid.*paper, flips/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
