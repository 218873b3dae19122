// Bad input to `pareto-edge train` gets a clear error (exit code 2) and touches nothing on disk.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, readdir, writeFile, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';

let dir = '';
let data = '';
let firstRun = '';

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pe-bad-'));
  data = path.join(dir, 'data');
  assert.equal(
    runCli(['data', 'synth', '--out', data, '--size', '32', '--count', '48,16,16', '--quiet']).status,
    0,
  );
  firstRun = path.join(dir, 'first');
  const trained = runCli([
    'train',
    '--model',
    'mobilenet-v2',
    '--alpha',
    '0.35',
    '--data',
    data,
    '--input',
    '32',
    '--epochs',
    '1',
    '--out',
    firstRun,
  ]);
  assert.equal(trained.status, 0, trained.stderr);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function expectRejected(args: string[], message: RegExp, out: string): void {
  const result = runCli(['train', ...args, '--out', out]);
  assert.equal(result.status, 2, `exit code for ${args.join(' ')}: ${result.stderr}`);
  assert.match(result.stderr, message);
  assert.equal(existsSync(out), false, `${out} must not be created`);
}

test('an unknown model is named, with the valid ones listed', () => {
  expectRejected(
    ['--model', 'resnet-9000', '--data', data],
    /resnet-9000.*xception-lite/s,
    path.join(dir, 'r1'),
  );
});

test('a missing or empty data folder is a clear error', async () => {
  expectRejected(
    ['--model', 'mobilenet-v2', '--data', path.join(dir, 'nowhere')],
    /nowhere/,
    path.join(dir, 'r2'),
  );
  const empty = path.join(dir, 'empty');
  await mkdir(empty);
  expectRejected(
    ['--model', 'mobilenet-v2', '--data', empty],
    /empty|no (class|image)/i,
    path.join(dir, 'r3'),
  );
});

test('an input smaller than the model accepts is rejected with the minimum', () => {
  expectRejected(['--model', 'xception', '--data', data, '--input', '16'], /32/, path.join(dir, 'r4'));
});

test('--freeze last:N beyond the number of blocks is rejected with the count', () => {
  expectRejected(
    ['--model', 'mobilenet-v2', '--alpha', '0.35', '--data', data, '--input', '32', '--freeze', 'last:99'],
    /--freeze last:99 asks for more blocks than mobilenet-v2 has \(\d+\)/,
    path.join(dir, 'r7'),
  );
});

test('--init-from a run of another model, or --keep-head with other classes, is rejected', async () => {
  expectRejected(
    ['--model', 'xception-lite', '--data', data, '--init-from', firstRun],
    /trained mobilenet-v2, not xception-lite/,
    path.join(dir, 'r5'),
  );
  const sixClass = path.join(dir, 'six');
  assert.equal(
    runCli([
      'data',
      'synth',
      '--out',
      sixClass,
      '--task',
      'six-class',
      '--size',
      '32',
      '--count',
      '36,12,12',
      '--quiet',
    ]).status,
    0,
  );
  expectRejected(
    [
      '--model',
      'mobilenet-v2',
      '--alpha',
      '0.35',
      '--data',
      sixClass,
      '--input',
      '32',
      '--init-from',
      firstRun,
      '--keep-head',
    ],
    /--keep-head needs the same classes/,
    path.join(dir, 'r6'),
  );
});

test('a run directory holding a different run is left untouched, with or without --resume', async () => {
  const before = await readFile(path.join(firstRun, 'run.json'), 'utf8');
  const files = await readdir(firstRun);
  const other = runCli([
    'train',
    '--model',
    'mobilenet-v2',
    '--alpha',
    '0.35',
    '--data',
    data,
    '--input',
    '48',
    '--epochs',
    '1',
    '--out',
    firstRun,
  ]);
  assert.equal(other.status, 2);
  assert.match(other.stderr, /already holds a run/);
  const resumed = runCli([
    'train',
    '--model',
    'mobilenet-v2',
    '--alpha',
    '0.35',
    '--data',
    data,
    '--input',
    '48',
    '--epochs',
    '1',
    '--out',
    firstRun,
    '--resume',
  ]);
  assert.equal(resumed.status, 2);
  assert.match(
    resumed.stderr,
    /was trained with other settings \(inputSize: the run has 32, this command asks 48\)/,
  );
  assert.equal(await readFile(path.join(firstRun, 'run.json'), 'utf8'), before);
  assert.deepEqual(await readdir(firstRun), files);
});

test('a non-empty folder that is not a run is refused', async () => {
  const busy = path.join(dir, 'busy');
  await mkdir(busy);
  await writeFile(path.join(busy, 'notes.txt'), 'mine');
  const result = runCli(['train', '--model', 'mobilenet-v2', '--data', data, '--out', busy]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /not empty and holds no pareto-edge run/);
  assert.deepEqual(await readdir(busy), ['notes.txt']);
});

/** A small pre-split set written by `data synth`, plus `broken` files that are no images. */
async function dataWithBrokenFiles(name: string, broken: string[]): Promise<string> {
  const root = path.join(dir, name);
  const made = runCli(['data', 'synth', '--out', root, '--size', '32', '--count', '16,8,8', '--quiet']);
  assert.equal(made.status, 0, made.stderr);
  for (const file of broken) await writeFile(path.join(root, file), 'not an image');
  return root;
}

const tinyTraining = ['--model', 'mobilenet-v2', '--alpha', '0.35', '--input', '32', '--epochs', '1'];

test('unreadable images are counted and listed in run.json and the total is shown at the end', async () => {
  const broken = [path.join('train', '1_defect', 'bad1.jpg'), path.join('train', '0_no_defect', 'bad2.png')];
  const skipData = await dataWithBrokenFiles('with-broken', broken);
  const out = path.join(dir, 'skips');
  const result = runCli([
    'train',
    ...tinyTraining,
    '--data',
    skipData,
    '--no-cache',
    '--workers',
    '1',
    '--out',
    out,
  ]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /skipped\s+2 unreadable images \(listed in run\.json\)/);
  const run = JSON.parse(await readFile(path.join(out, 'run.json'), 'utf8'));
  const reason = 'not an image: it starts with no JPEG, PNG, GIF, WebP, BMP or TIFF signature';
  const { count, files } = run.summary.skippedImages;
  assert.equal(count, 2);
  assert.deepEqual(
    files.sort((a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path)),
    [...broken].sort().map((file) => ({ split: 'train', path: file, reason })),
  );
});

test('training is refused when no image of a class can be read', async () => {
  const root = await dataWithBrokenFiles('class-unreadable', []);
  const classDir = path.join(root, 'train', '1_defect');
  for (const file of await readdir(classDir)) await writeFile(path.join(classDir, file), 'not an image');
  const result = runCli([
    'train',
    ...tinyTraining,
    '--data',
    root,
    '--no-cache',
    '--workers',
    '1',
    '--out',
    path.join(dir, 'unreadable-class'),
  ]);
  assert.equal(result.status, 2, result.stderr);
  assert.match(
    result.stderr,
    /no training image of class '1_defect' can be read \(8 unreadable: .*not an image.*remove the class folder/,
  );
});
