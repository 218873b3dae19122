// compare passes a memory plan (or a budget that chooses one) to every run, as train does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';

const TINY = ['--models', 'xception-mini', '--data', 'synthetic-pcb:binary:16,8,8', '--input', '32'];

test('compare --memory-plan trains every run under that plan and records it', () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'pe-compare-plan-')), 'exp');
  const plan = 'checkpoint=blocks,microbatch=2,optimizer=after-backward';
  const result = runCli([
    'compare',
    ...TINY,
    '--epochs',
    '1',
    '--batch',
    '4',
    '--memory-plan',
    plan,
    '--out',
    out,
  ]);
  assert.equal(result.status, 0, result.stderr);
  const runJson = readFileSync(
    path.join(out, 'runs', 'synthetic-pcb:binary:16,8,8', 'scratch', 'xception-mini', 'run.json'),
    'utf8',
  );
  // The plan the trainer ran under, with its predicted and measured peak, not only the configuration.
  assert.match(runJson, new RegExp(`"plan": "${plan}"`));
  assert.match(runJson, /"measuredPeakBytes": \d+/);
});

test('compare refuses a memory plan and a budget together, naming both', () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'pe-compare-plan-')), 'exp');
  const result = runCli([
    ...['compare', ...TINY],
    '--memory-plan',
    'checkpoint=blocks',
    '--memory-budget',
    '100MB',
    '--out',
    out,
  ]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /--memory-plan and --memory-budget both choose the memory plan/);
});
