// A small trained run, as a user would make one with `data synth` and `train`, for the commands that
// read runs (eval, predict, export).
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './cli.js';

/** Generated PCB data (40 train, 12 val, 20 test images) and a one-epoch xception-mini run on it. */
export async function trainedRun(extraArgs: string[]): Promise<{ dir: string; run: string; stdout: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-eval-'));
  const data = path.join(dir, 'pcb');
  const run = path.join(dir, 'run');
  assert.equal(
    runCli(['data', 'synth', '--out', data, '--size', '32', '--count', '40,12,20', '--quiet']).status,
    0,
  );
  const trained = runCli([
    ...['train', '--model', 'xception-mini', '--data', data, '--input', '32', '--epochs', '1'],
    ...['--out', run, ...extraArgs],
  ]);
  assert.equal(trained.status, 0, trained.stderr);
  return { dir, run, stdout: trained.stdout };
}
