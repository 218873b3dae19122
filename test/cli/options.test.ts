// Options that used to be accepted and then hang, exhaust the machine or be silently ignored are
// refused up front: exit code 2, one line naming the option and the limit, nothing written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
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
