// --precision on train and bench: checked by the parser, chosen on this CPU, recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
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

test('a resumed --precision auto run keeps the precision it trained in, measuring nothing again', async () => {
  const args = ['--precision', 'auto', '--memory-format', 'nchw'];
  const { dir, run } = await trainedRun(args);
  const file = path.join(run, 'run.json');
  const record = JSON.parse(await readFile(file, 'utf8'));
  // What an earlier session chose, made the opposite of what this machine measures (where it can be).
  const kept =
    record.precision.chosen === 'measured'
      ? {
          ...record.precision,
          precision: record.precision.precision === 'bf16' ? 'fp32' : 'bf16',
          stepMs: { fp32: record.precision.stepMs.bf16, bf16: record.precision.stepMs.fp32 },
        }
      : record.precision;
  await writeFile(file, JSON.stringify({ ...record, precision: kept }));
  const resumed = runCli([
    ...['train', '--model', 'xception-mini', '--data', path.join(dir, 'pcb'), '--input', '32'],
    ...['--epochs', '2', '--out', run, '--resume', ...args],
  ]);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')).precision, kept);
});
