// Options that used to be accepted and then hang, exhaust the machine or be silently ignored are
// refused up front: exit code 2, one line naming the option and the limit, nothing written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { UserInputError } from '../../src/util/errors.js';
import { requireWritableDirectory } from '../../src/util/output-dir.js';
import { maxThreads } from '../../src/util/threads.js';

function expectRefused(args: string[], message: RegExp): void {
  const result = runCli(args);
  assert.equal(result.status, 2, `exit code of ${args.join(' ')}: ${result.stderr}`);
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 1, `one line for ${args.join(' ')}, got:\n${result.stderr}`);
  assert.match(lines[0]!, message);
}

const neverWritten = path.join(tmpdir(), `pe-options-never-${process.pid}`);
const train = ['train', '--model', 'mobilenet-v2', '--data', 'synthetic-pcb', '--out', neverWritten];

test('--threads and --workers above 4 per core are refused with the limit and why', () => {
  const tooMany = String(maxThreads() + 1);
  const limit = new RegExp(
    `at most ${maxThreads()} \\(4 per core, \\d+ cores here\\): more threads only compete`,
  );
  expectRefused(
    [...train, '--threads', tooMany],
    new RegExp(`'--threads <n>' argument '${tooMany}'.*${limit.source}`),
  );
  expectRefused([...train, '--workers', '300000'], /'--workers <n>' argument '300000'.*at most/);
  expectRefused(
    ['bench', 'mobilenet-v2', '--threads', '100000'],
    /'--threads <n>' argument '100000'.*at most/,
  );
  assert.equal(existsSync(neverWritten), false);
});

test('the help shows the thread limit', () => {
  const help = runCli(['train', '--help']).stdout.replace(/\s+/g, ' ');
  assert.match(help, new RegExp(`at most 4 per core, ${maxThreads()} here`));
});

test('--keep-head without --init-from is refused instead of ignored', () => {
  expectRefused(
    [...train, '--keep-head'],
    /--keep-head .*no --init-from was given: add --init-from RUN or drop --keep-head/,
  );
  assert.equal(existsSync(neverWritten), false);
});

test('an --out that cannot be written is refused with the path and the real cause, not a hang', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-out-'));
  try {
    const file = path.join(dir, 'a-file');
    await writeFile(file, '');
    const synth = (out: string) => [
      'data',
      'synth',
      '--out',
      out,
      '--size',
      '16',
      '--count',
      '2,2,2',
      '--quiet',
    ];
    // Node's recursive mkdir spun forever here; the kernel refuses folders in /proc.
    const proc = runCli(synth('/proc/self/x/y'), {}, 60_000);
    assert.equal(proc.status, 2, proc.stderr);
    assert.match(
      proc.stderr,
      /--out \/proc\/self\/x\/y: \/proc\/self(\/x)? cannot hold folders \(a virtual file system/,
    );
    expectRefused(
      synth(path.join(file, 'sub')),
      new RegExp(`--out .*: ${file} is a file, not a folder; choose another --out`),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('requireWritableDirectory accepts a new folder under a writable one and creates nothing', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-out-'));
  try {
    await requireWritableDirectory(path.join(dir, 'new', 'run'), '--out');
    assert.deepEqual(await readdir(dir), []);
    await assert.rejects(
      requireWritableDirectory('/proc/self/run', '--out'),
      (error: Error) => error instanceof UserInputError && /cannot hold folders/.test(error.message),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
