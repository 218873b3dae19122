// compare passes --precision to every run, as train takes it; search refuses a bad one as train does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { bf16Support } from '../../src/engine/cpu-features.js';

const TINY = ['--models', 'xception-mini', '--data', 'synthetic-pcb:binary:16,8,8', '--input', '32'];

test('compare --precision auto trains every run with it and records what each chose', () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'pe-compare-precision-')), 'exp');
  const result = runCli([
    ...['compare', ...TINY, '--epochs', '1', '--batch', '4'],
    ...['--memory-format', 'nchw', '--precision', 'auto', '--out', out],
  ]);
  assert.equal(result.status, 0, result.stderr);
  const record = JSON.parse(
    readFileSync(
      path.join(out, 'runs', 'synthetic-pcb:binary:16,8,8', 'scratch', 'xception-mini', 'run.json'),
      'utf8',
    ),
  );
  assert.equal(record.config.precision, 'auto');
  assert.equal(record.precision.chosen, bf16Support().length > 0 ? 'measured' : 'unsupported');
});

test('compare and search refuse a --precision that is not auto, fp32 or bf16, in one line', () => {
  for (const command of [
    ['compare', ...TINY],
    ['search', '--family', 'mobilenet-v2', '--data', 'synthetic-pcb', '--out', 'unused'],
  ]) {
    const result = runCli([...command, '--precision', 'fp16']);
    assert.equal(result.status, 2, result.stderr);
    assert.match(
      result.stderr,
      /^pareto-edge: option '--precision <p>' argument 'fp16' is invalid\. It must be auto, fp32 or bf16\. Run .+\n$/,
    );
  }
});
