// A run killed with SIGKILL right after any of its writes (PARETO_EDGE_FAULT, src/util/fault.ts) resumes
// with --resume to exactly the result of an uninterrupted run, and leaves nothing stale behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';

const EPOCHS = 2;
let dir = '';
let data = '';
let reference = '';

function train(out: string, extra: string[] = [], env: Record<string, string> = {}): CliResult {
  const args = ['train', '--model', 'xception-mini', '--data', data, '--input', '32', '--batch', '8'];
  return runCli(
    [...args, '--epochs', String(EPOCHS), '--out', out, '--workers', '1', '--threads', '1', ...extra],
    env,
  );
}

/** Runs until PARETO_EDGE_FAULT kills it right after the given write. */
function killAfter(out: string, file: string, nth: number): void {
  const killed = train(out, [], { PARETO_EDGE_FAULT: `after:${file}:${nth}` });
  assert.equal(killed.status, null, `expected a SIGKILL after ${file} #${nth}: ${killed.stderr}`);
}

function resume(out: string): void {
  const resumed = train(out, ['--resume']);
  assert.equal(resumed.status, 0, resumed.stderr);
}

/** history.csv without the columns that measure this machine (memory, time, speed, energy). */
async function learningHistory(runDir: string): Promise<string[][]> {
  const rows = (await readFile(path.join(runDir, 'history.csv'), 'utf8')).trim().split('\n');
  return rows.map((row) => row.split(',')).map((cells) => [...cells.slice(0, 4), cells[6], cells[7]]);
}

async function assertSameAsReference(runDir: string): Promise<void> {
  assert.deepEqual(await learningHistory(runDir), await learningHistory(reference));
  const weights = await readFile(path.join(runDir, 'weights.safetensors'));
  assert.ok(weights.equals(await readFile(path.join(reference, 'weights.safetensors'))), 'same weights');
  const run = JSON.parse(await readFile(path.join(runDir, 'run.json'), 'utf8'));
  const expected = JSON.parse(await readFile(path.join(reference, 'run.json'), 'utf8'));
  assert.equal(run.status, 'finished');
  assert.deepEqual(
    run.summary.history.map((h: { epoch: number }) => h.epoch),
    Array.from({ length: EPOCHS }, (_, i) => i + 1),
  );
  assert.deepEqual(run.summary.final, expected.summary.final);
  assert.deepEqual(run.test, expected.test);
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pe-interrupted-'));
  data = path.join(dir, 'data');
  const synth = runCli(['data', 'synth', '--out', data, '--size', '32', '--count', '16,8,8', '--quiet']);
  assert.equal(synth.status, 0, synth.stderr);
  reference = path.join(dir, 'reference');
  const full = train(reference);
  assert.equal(full.status, 0, full.stderr);
});

after(() => rm(dir, { recursive: true, force: true }));

test('killed right after the final checkpoint: --resume rewrites history.csv from the checkpoint', async () => {
  const out = path.join(dir, 'final-checkpoint');
  killAfter(out, 'checkpoint.safetensors', EPOCHS);
  assert.equal((await learningHistory(out)).length, EPOCHS, 'history.csv lags one epoch behind at the kill');
  resume(out);
  assert.equal((await learningHistory(out)).length, EPOCHS + 1, 'header and every epoch');
  await assertSameAsReference(out);
});

test('killed right after split.json: the folder is known as an unfinished run that --resume completes', async () => {
  const out = path.join(dir, 'split');
  killAfter(out, 'split.json', 1);
  const again = train(out);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /stopped before its first record; pass --resume/);
  resume(out);
  await assertSameAsReference(out);
});

test('a folder that no run created is still refused by --resume', async () => {
  const out = path.join(dir, 'foreign');
  await mkdir(out);
  await writeFile(path.join(out, 'notes.txt'), 'mine');
  const resumed = train(out, ['--resume']);
  assert.equal(resumed.status, 2);
  assert.match(resumed.stderr, /not empty and holds no pareto-edge run/);
});

test('--resume removes temporaries that killed sessions of the run left, and only those', async () => {
  const out = path.join(dir, 'temporaries');
  killAfter(out, 'checkpoint.safetensors', 1);
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  const stale = [`.checkpoint.safetensors.${dead}-0-0123abcd.tmp`, `.history.csv.${dead}-0-89abcdef.tmp`];
  const kept = [
    `.checkpoint.safetensors.${process.pid}-0-0123abcd.tmp`, // a live process may still rename it
    `.notes.txt.${dead}-0-0123abcd.tmp`, // not a file the run writes
    'notes.txt',
  ];
  for (const name of [...stale, ...kept]) await writeFile(path.join(out, name), 'partial');
  resume(out);
  const entries = await readdir(out);
  for (const name of stale) assert.ok(!entries.includes(name), `${name} removed`);
  for (const name of kept) assert.ok(entries.includes(name), `${name} kept`);
  await assertSameAsReference(out);
});

// Every write boundary of a 2-epoch run: split, model, first record, each checkpoint, history and
// record per epoch, the weights and the final summary.
const BOUNDARIES: [string, number][] = [
  ['split.json', 1],
  ['model.json', 1],
  ['run.json', 1],
  ['checkpoint.safetensors', 1],
  ['history.csv', 1],
  ['run.json', 2],
  ['checkpoint.safetensors', 2],
  ['history.csv', 2],
  ['run.json', 3],
  ['weights.safetensors', 1],
  ['run.json', 4],
];

for (const [file, nth] of BOUNDARIES) {
  test(`killed right after write #${nth} of ${file}: --resume ends as an uninterrupted run`, async () => {
    const out = path.join(dir, `${file}-${nth}`);
    killAfter(out, file, nth);
    resume(out);
    await assertSameAsReference(out);
    assert.deepEqual(
      (await readdir(out)).filter((name) => name.endsWith('.tmp')),
      [],
    );
  });
}

test('compare killed right after a run wrote split.json completes that run when started again', async () => {
  const exp = path.join(dir, 'experiment');
  const args = ['compare', '--models', 'xception-mini', '--data', data, '--epochs', '1', '--input', '32'];
  const killed = runCli([...args, '--batch', '8', '--out', exp], { PARETO_EDGE_FAULT: 'after:split.json:1' });
  assert.equal(killed.status, null, killed.stderr);
  const again = runCli([...args, '--batch', '8', '--out', exp]);
  assert.equal(again.status, 0, again.stderr);
  const runDir = path.join(exp, 'runs', path.basename(data), 'scratch', 'xception-mini');
  assert.equal(JSON.parse(await readFile(path.join(runDir, 'run.json'), 'utf8')).status, 'finished');
});
