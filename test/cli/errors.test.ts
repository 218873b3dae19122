// Every mistake a user can make on the command line ends the same way: exit code 2 and one line on
// stderr naming the problem and the fix. Bugs are told apart: exit code 1 with the stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, runCli } from '../helpers/cli.js';
import { reportCliError } from '../../src/cli/errors.js';
import { DataError } from '../../src/data/index.js';
import { UserInputError } from '../../src/util/errors.js';

function expectOneLine(args: string[], message: RegExp): void {
  const result = runCli(args);
  assert.equal(result.status, 2, `exit code of ${args.join(' ')}: ${result.stderr}`);
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 1, `one line for ${args.join(' ')}, got:\n${result.stderr}`);
  assert.match(lines[0]!, message);
  assert.equal(result.stdout, '');
}

test('an unknown option is named, with the closest one and where to look', () => {
  expectOneLine(
    ['train', '--model', 'xception', '--data', 'synthetic-pcb', '--epoch', '3'],
    /^pareto-edge: unknown option '--epoch'\. Did you mean --epochs\? Run 'pareto-edge train --help' for usage\.$/,
  );
});

test('an unknown command is named, with where to look', () => {
  expectOneLine(['trian'], /unknown command 'trian'\. Did you mean train\? Run 'pareto-edge --help'/);
});

test('a missing argument is named', () => {
  expectOneLine(['summary'], /missing required argument 'model'\. Run 'pareto-edge summary --help'/);
});

test('a bad number names the option, the value and what it must be', () => {
  expectOneLine(
    ['train', '--model', 'xception', '--data', 'synthetic-pcb', '--epochs', 'abc'],
    /option '--epochs <n>' argument 'abc' is invalid\. It must be a whole number ≥ 1\./,
  );
  expectOneLine(
    ['data', 'synth', '--out', path.join(tmpdir(), 'never-written'), '--seed', '1e3'],
    /option '--seed <n>' argument '1e3' is invalid\. It must be a whole number ≥ 0\./,
  );
});

test('a non-positive learning rate is refused by its option parser', () => {
  expectOneLine(
    ['train', '--model', 'xception', '--data', 'synthetic-pcb', '--lr', '-1'],
    /option '--lr <rate>' argument '-1' is invalid\. It must be a number > 0\./,
  );
});

test('a model error is one line listing the models', () => {
  expectOneLine(
    ['bench', 'no-such-model'],
    /^pareto-edge: unknown model 'no-such-model'; models: xception, /,
  );
  expectOneLine(
    ['summary', 'xception', '--input', '8'],
    /xception needs an input of at least \d+x\d+ pixels/,
  );
});

test('a data error is one line naming the folder and the fix', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pe-errors-'));
  try {
    const missing = path.join(dir, 'nowhere');
    expectOneLine(['data', 'check', missing], new RegExp(`${missing} does not exist: check the path`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--version prints package.json's version", () => {
  const manifest = JSON.parse(readFileSync(path.join(path.dirname(CLI), '..', 'package.json'), 'utf8'));
  const result = runCli(['--version']);
  assert.equal(result.status, 0);
  assert.equal(result.stdout, `${manifest.version}\n`);
});

test('user errors exit 2 with the message alone; bugs exit 1 with their stack', (t) => {
  const written: string[] = [];
  t.mock.method(process.stderr, 'write', (text: string) => written.push(text));
  assert.ok(new DataError('x') instanceof UserInputError);
  assert.equal(reportCliError(new DataError('no such folder: check the path')), 2);
  assert.equal(written.pop(), 'pareto-edge: no such folder: check the path\n');
  const bug = new TypeError('cannot read properties of undefined');
  assert.equal(reportCliError(bug), 1);
  assert.match(written.pop()!, /^pareto-edge: TypeError: cannot read properties of undefined\n\s+at /);
});
