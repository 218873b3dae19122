// `search --queue`: the trials of a search are trained by a queue worker (another process, as on a
// board), and the search ends as it does locally: every trial recorded with the worker that ran it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { CLI } from '../helpers/cli.js';
import { NO_REDIS, startRedis, type RedisServer } from './redis.js';

const children: ChildProcess[] = [];
let redis: RedisServer | null = null;
after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await redis?.stop();
});

test('search --queue trains its trials on a worker and records each once', { skip: NO_REDIS }, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-search-queue-'));
  redis = await startRedis(dir);
  const env = { ...process.env, CI: 'true' };
  const worker = spawn(
    process.execPath,
    [CLI, 'worker', '--queue', redis.url, '--name', 'board-1', '--work-dir', path.join(dir, 'work')],
    { env, stdio: 'ignore' },
  );
  children.push(worker);
  const out = path.join(dir, 'search');
  const search = spawnSync(
    process.execPath,
    [
      CLI,
      'search',
      ...['--family', 'mobilenet-v2', '--data', 'synthetic-pcb:binary:32,16,16', '--input', '32'],
      ...['--memory-budget', '25MB', '--population', '2', '--rungs', '1', '--generations', '1'],
      ...['--batch', '8', '--threads', '1', '--workers', '1', '--queue', redis.url, '--out', out],
    ],
    { env, encoding: 'utf8', timeout: 300_000 },
  );
  assert.equal(search.status, 0, search.stderr);
  assert.match(search.stdout, /front \(\d+\)/);
  const trials = readdirSync(path.join(out, 'trials'));
  assert.ok(trials.length >= 2, `trials: ${trials.join(', ')}`);
  for (const trial of trials) {
    const runDir = path.join(out, 'trials', trial);
    assert.ok(existsSync(path.join(runDir, 'run.json')), `${trial} has no run.json`);
    const ranBy = JSON.parse(readFileSync(path.join(runDir, 'worker.json'), 'utf8')) as { worker: string };
    assert.equal(ranBy.worker, 'board-1');
  }
});
