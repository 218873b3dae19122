// Bad queue options are refused with one line naming the problem and the fix, before anything runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';

const COMPARE = [
  'compare',
  '--models',
  'xception-mini',
  '--data',
  'synthetic-pcb:binary:16,8,8',
  '--epochs',
  '1',
];

const cases: [string, string[], RegExp][] = [
  [
    'a URL that is not redis://',
    [...COMPARE, '--queue', 'http://host:6379'],
    /--queue http:\/\/host:6379\/ must start with redis:\/\//,
  ],
  [
    'a database that is not a number',
    ['worker', '--queue', 'redis://host:6379/x'],
    /the database after the host must be a number, not "x"/,
  ],
  [
    '--resume where no experiment is',
    [...COMPARE, '--out', path.join(tmpdir(), `pe-no-experiment-${process.pid}`), '--resume'],
    /--resume: .*pe-no-experiment-\d+ holds no experiment \(no experiment\.json\); check --out, or drop --resume/,
  ],
  ['--tag without --queue', [...COMPARE, '--tag', 'jetson'], /--tag needs --queue/],
  [
    'a tag with a colon',
    ['worker', '--queue', 'redis://host', '--tags', 'a,b:c'],
    /Tags are letters, digits, - and _ \(not "b:c"\)/,
  ],
  [
    'a Redis that is not there',
    ['worker', '--queue', 'redis://:secret@127.0.0.1:1'],
    /cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 \(connect ECONNREFUSED.*\): start redis-server there/,
  ],
];

for (const [what, args, message] of cases) {
  test(`queue options: ${what} is refused with the fix`, () => {
    const result = runCli(args);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /secret/, 'the password is never shown');
  });
}
