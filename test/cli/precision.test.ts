// --precision on train and bench: checked by the parser, chosen on this CPU, recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { trainedRun } from '../helpers/trained-run.js';
import { bf16Support } from '../../src/engine/cpu-features.js';

/** How auto chooses on the machine running the tests: by measuring, where bf16 is possible at all. */
const autoHere = bf16Support().length > 0 ? 'measured' : 'unsupported';

test('a --precision that is not auto, fp32 or bf16 is refused, naming the choices', () => {
  for (const args of [
    ['train', '--model', 'xception-mini', '--data', 'synthetic-pcb', '--precision', 'bf17'],
    ['bench', 'xception-mini', '--precision', 'half'],
  ]) {
    const result = runCli(args);
    assert.equal(result.status, 2, result.stderr);
    assert.match(
      result.stderr,
      /'--precision <p>' argument '.+' is invalid\. It must be auto, fp32 or bf16\./,
    );
  }
});

test('train --precision auto records what it chose, how, and the CPU’s bfloat16 instructions', async () => {
  const { run } = await trainedRun(['--precision', 'auto']);
  const record = JSON.parse(await readFile(path.join(run, 'run.json'), 'utf8'));
  assert.equal(record.config.precision, 'auto');
  assert.equal(record.precision.chosen, autoHere);
  if (autoHere === 'measured') {
    const { stepMs } = record.precision;
    assert.equal(record.precision.precision, stepMs.bf16 < stepMs.fp32 ? 'bf16' : 'fp32');
  } else assert.equal(record.precision.precision, 'fp32');
  assert.deepEqual(record.machine.bf16Instructions, bf16Support());
});

test('bench --precision auto times the step in the precision auto chose here', () => {
  const result = runCli([
    'bench',
    'xception-mini',
    ...['--input', '32', '--batch', '2', '--steps', '1'],
    '--precision',
    'auto',
    '--json',
  ]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).precision.chosen, autoHere);
});
