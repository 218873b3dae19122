// Runs through a real redis-server and real worker processes, as users run them: compare --queue
// gives the same results as a local compare, each run recorded once; a worker killed with SIGKILL
// mid-run leaves its job to another, which resumes the checkpoint; bad data fails once; a restarted
// coordinator or Redis loses and duplicates nothing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { CLI, runCli } from '../helpers/cli.js';
import { NO_REDIS, startRedis, type RedisServer } from './redis.js';
import { useRedisDriver } from '../../src/distributed/connection.js';
import { queueNameFor } from '../../src/distributed/job.js';
import { workersSeen } from '../../src/distributed/workers-seen.js';
import { QueueExecutor } from '../../src/distributed/queue-executor.js';
import { planRuns } from '../../src/experiment/plan.js';
import type { RunRecord } from '../../src/train/index.js';

const TINY = 'synthetic-pcb:binary:16,8,8';
/** Enough images for epochs long enough to kill a worker between two of them. */
const SMALL = 'synthetic-pcb:binary:96,16,16';
const started: ChildProcess[] = [];
const servers: RedisServer[] = [];

after(async () => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const server of servers) await server.stop();
});

interface Spawned {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function spawnCli(args: string[]): Spawned {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => output, exit };
}

/** A worker whose run directories go to DIR/work-NAME unless args say otherwise (--artifacts). */
function startWorker(redis: RedisServer, dir: string, name: string, ...args: string[]): Spawned {
  const work = path.join(dir, `work-${name}`);
  return spawnCli([
    'worker',
    '--queue',
    redis.url,
    '--name',
    name,
    '--lock-seconds',
    '2',
    '--work-dir',
    work,
    ...args,
  ]);
}

async function setUp(options: { persist?: boolean } = {}): Promise<{ dir: string; redis: RedisServer }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-queue-'));
  const redis = await startRedis(dir, options);
  servers.push(redis);
  return { dir, redis };
}

/** A compare spec: the models (xception-mini by default) on each of the given data sets. */
async function specFile(
  dir: string,
  datasets: Record<string, string>,
  epochs: number,
  models = ['xception-mini'],
): Promise<string> {
  const file = path.join(dir, 'spec.json');
  await writeFile(
    file,
    JSON.stringify({
      models,
      datasets,
      train: { epochs, inputSize: 32, batchSize: 16, latencyIterations: 2 },
    }),
  );
  return file;
}

async function runJson(file: string): Promise<RunRecord> {
  return JSON.parse(await readFile(file, 'utf8')) as RunRecord;
}

async function jobCounts(redis: RedisServer): Promise<Record<string, number>> {
  await useRedisDriver();
  const queue = new Queue(queueNameFor(null), { connection: { host: '127.0.0.1', port: redis.port } });
  try {
    return await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
  } finally {
    await queue.close();
  }
}

async function workerNames(redis: RedisServer): Promise<string[]> {
  await useRedisDriver();
  const queue = new Queue(queueNameFor(null), { connection: { host: '127.0.0.1', port: redis.port } });
  try {
    return (await workersSeen(await queue.backend.client)).map((beat) => beat.worker);
  } finally {
    await queue.close();
  }
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function recordedLines(output: string, runId: string): number {
  return output.split('\n').filter((line) => line.startsWith(`${runId}: recorded`)).length;
}

/** Child processes of a process (BullMQ's sandboxed processors of a worker). */
async function childrenOf(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 (after the parenthesised command, which may hold spaces) is the parent's pid.
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
  }
  return children;
}

const histories = (record: RunRecord) =>
  record.summary!.history.map(({ loss, acc, valLoss, valAcc }) => ({ loss, acc, valLoss, valAcc }));

/** The matrix: the four paper models × 1 epoch at their smallest input (32 px). */
const PAPER_MODELS = ['xception', 'xception-lite', 'mobilenet-v2', 'efficientnet-v2-b1'];

test(
  'compare --queue: two workers train the 4 paper models × 1 epoch, each run recorded once, with the results of a local compare',
  { skip: NO_REDIS },
  async () => {
    const { dir, redis } = await setUp();
    const spec = await specFile(dir, { a: TINY }, 1, PAPER_MODELS);
    const workers = [startWorker(redis, dir, 'w1'), startWorker(redis, dir, 'w2')];
    await waitFor('both workers', async () => (await workerNames(redis)).length === 2);
    const exp = path.join(dir, 'exp');
    const args = ['compare', '--config', spec, '--out', exp, '--queue', redis.url];
    const runId = (model: string) => `a/scratch/${model}`;

    const first = runCli(args);
    const ranBy = new Set<string>();
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /Pareto analysis/);
    for (const model of PAPER_MODELS) {
      const runDir = path.join(exp, 'runs', runId(model));
      assert.equal((await runJson(path.join(runDir, 'run.json'))).status, 'finished');
      assert.equal(recordedLines(first.stderr, runId(model)), 1);
      const worker = JSON.parse(await readFile(path.join(runDir, 'worker.json'), 'utf8'));
      ranBy.add(worker.worker);
      assert.equal(worker.hostname, hostname());
      assert.ok(existsSync(path.join(worker.runDir, 'weights.safetensors')), 'weights stay on the worker');
      assert.ok(!existsSync(path.join(runDir, 'weights.safetensors')), 'weights are not copied');
    }
    const status = JSON.parse(await readFile(path.join(exp, 'queue.json'), 'utf8'));
    assert.deepEqual(
      status.jobs.map((job: { state: string }) => job.state),
      PAPER_MODELS.map(() => 'completed'),
    );
    assert.deepEqual(status.workers.map((w: { worker: string }) => w.worker).sort(), ['w1', 'w2']);
    assert.deepEqual([...ranBy].sort(), ['w1', 'w2'], 'both workers trained runs');

    const again = runCli([...args, '--resume']);
    assert.equal(again.status, 0, again.stderr);
    for (const model of PAPER_MODELS)
      assert.match(again.stderr, new RegExp(`${runId(model)}: already finished, not redone`));
    assert.deepEqual(await jobCounts(redis), {
      waiting: 0,
      active: 0,
      completed: PAPER_MODELS.length,
      failed: 0,
      delayed: 0,
      prioritized: 0,
    });

    const local = path.join(dir, 'local');
    assert.equal(runCli(['compare', '--config', spec, '--out', local]).status, 0);
    for (const model of PAPER_MODELS) {
      const run = path.join('runs', runId(model), 'run.json');
      const [queued, here] = [await runJson(path.join(exp, run)), await runJson(path.join(local, run))];
      assert.deepEqual(histories(queued), histories(here), `${model}: same losses and accuracies`);
      assert.deepEqual(queued.summary!.final, here.summary!.final);
      assert.deepEqual(queued.identity, here.identity);
    }
    for (const worker of workers) {
      worker.child.kill('SIGINT');
      assert.equal(await worker.exit, 0, worker.output());
    }
    await rm(dir, { recursive: true, force: true });
  },
);

test(
  'a worker killed with SIGKILL mid-run: another takes the job up and resumes its checkpoint, recorded once',
  { skip: NO_REDIS },
  async () => {
    const { dir, redis } = await setUp();
    const artifacts = path.join(dir, 'artifacts');
    const spec = await specFile(dir, { small: SMALL }, 3);
    const exp = path.join(dir, 'exp');
    const first = startWorker(redis, dir, 'first', '--artifacts', artifacts);
    const coordinator = spawnCli(['compare', '--config', spec, '--out', exp, '--queue', redis.url]);

    const checkpoint = await waitFor('the first epoch', async () => {
      const runs = await readdir(artifacts).catch(() => []);
      const file = runs[0] && path.join(artifacts, runs[0], 'checkpoint.safetensors');
      return file && existsSync(file) ? file : null;
    });
    const sandboxes = await childrenOf(first.child.pid!);
    assert.ok(sandboxes.length > 0, 'the run trains in a child process of the worker');
    first.child.kill('SIGKILL');
    // A killed worker cannot remove its folder of machine slots (src/distributed/machine-slots.ts).
    after(() =>
      rm(path.join(tmpdir(), `pareto-edge-worker-${first.child.pid}`), { recursive: true, force: true }),
    );
    const killedAt = new Date().toISOString();
    await waitFor(
      'the orphaned processor to stop',
      async () => sandboxes.every((pid) => !existsSync(`/proc/${pid}`)),
      10_000,
    );

    const second = startWorker(redis, dir, 'second', '--artifacts', artifacts);
    assert.equal(await coordinator.exit, 0, coordinator.output());
    const runDir = path.join(exp, 'runs', 'small', 'scratch', 'xception-mini');
    const record = await runJson(path.join(runDir, 'run.json'));
    assert.equal(record.summary!.history.length, 3);
    assert.ok(record.startedAt < killedAt, 'the run is the one the killed worker started, resumed');
    assert.match(second.output(), /small\/scratch\/xception-mini: started/);
    assert.equal(JSON.parse(await readFile(path.join(runDir, 'worker.json'), 'utf8')).worker, 'second');
    assert.equal(path.dirname(path.dirname(checkpoint)), artifacts);
    assert.ok(existsSync(path.join(runDir, 'weights.safetensors')), 'shared weights are linked into the run');
    assert.equal(recordedLines(coordinator.output(), 'small/scratch/xception-mini'), 1);
    const counts = await jobCounts(redis);
    assert.equal(counts.completed, 1);
    assert.equal(counts.active + counts.waiting + counts.failed, 0, 'no job left stalled');
    second.child.kill('SIGINT');
    await second.exit;
    await rm(dir, { recursive: true, force: true });
  },
);

test(
  'a job whose data the worker cannot read fails once, with the error, and only the next session tries it again',
  { skip: NO_REDIS },
  async () => {
    const { dir, redis } = await setUp();
    const data = path.join(dir, 'pcb');
    const synth = () =>
      assert.equal(
        runCli(['data', 'synth', '--out', data, '--size', '32', '--count', '16,8,8', '--quiet']).status,
        0,
      );
    synth();
    const exp = path.join(dir, 'exp');
    const [run] = planRuns(
      {
        models: ['xception-mini'],
        datasets: { pcb: data },
        settings: ['scratch'],
        pretrainedFrom: null,
        pretrainedDataset: null,
        train: { epochs: 1, inputSize: 32 },
      },
      exp,
    );
    const executor = await QueueExecutor.open({ url: redis.url, expDir: exp, tag: null, pollMs: 100 });
    try {
      await executor.submit([run!]);
      // The coordinator saw the data; the worker's machine does not have it.
      await rm(data, { recursive: true });
      const worker = startWorker(redis, dir, 'w1');
      const outcome = await executor.execute(run!, {});
      assert.equal(outcome.status, 'failed');
      assert.match(
        outcome.status === 'failed' ? outcome.error : '',
        new RegExp(`${data}.*(does not exist|not found|no such)`, 'i'),
      );
      const counts = await jobCounts(redis);
      assert.equal(counts.failed, 1);
      assert.equal(counts.waiting + counts.delayed + counts.active, 0, 'not queued again');
      assert.match(worker.output(), /failed/);
      assert.doesNotMatch(worker.output(), /started.*\n(.|\n)*started/, 'taken once');

      // The data is back: running the experiment again retries the failed job, under the same id.
      synth();
      const again = await QueueExecutor.open({ url: redis.url, expDir: exp, tag: null, pollMs: 100 });
      try {
        await again.submit([run!]);
        assert.equal((await again.execute(run!, {})).status, 'finished');
      } finally {
        await again.close();
      }
      const retried = await jobCounts(redis);
      assert.equal(retried.completed, 1);
      assert.equal(retried.failed, 0);
      worker.child.kill('SIGINT');
      await worker.exit;
    } finally {
      await executor.close();
    }
    await rm(dir, { recursive: true, force: true });
  },
);

test(
  'a worker with a tag trains one run at a time across its queues (--concurrency is per machine)',
  { skip: NO_REDIS },
  async () => {
    const { dir, redis } = await setUp();
    const exp = path.join(dir, 'exp');
    const plan = (dataset: string, data: string) =>
      planRuns(
        {
          models: ['xception-mini'],
          datasets: { [dataset]: data },
          settings: ['scratch'],
          pretrainedFrom: null,
          pretrainedDataset: null,
          train: { epochs: 1, inputSize: 32, latencyIterations: 2 },
        },
        exp,
      )[0]!;
    const runs = [plan('any', TINY), plan('tagged', 'synthetic-pcb:binary:24,8,8')];
    const executors = await Promise.all(
      [null, 'board'].map((tag) => QueueExecutor.open({ url: redis.url, expDir: exp, tag, pollMs: 100 })),
    );
    try {
      // Both jobs wait before the worker starts, so its two queues offer one each at the same moment.
      await Promise.all(executors.map((executor, i) => executor.submit([runs[i]!])));
      const worker = startWorker(redis, dir, 'w1', '--tags', 'board', '--concurrency', '1');
      const outcomes = await Promise.all(executors.map((executor, i) => executor.execute(runs[i]!, {})));
      assert.deepEqual(
        outcomes.map((outcome) => outcome.status),
        ['finished', 'finished'],
      );
      const spans = await Promise.all(
        runs.map(async (run) => JSON.parse(await readFile(path.join(run.dir, 'worker.json'), 'utf8'))),
      );
      const [first, second] = spans.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
      assert.ok(first.finishedAt <= second.startedAt, `one after the other: ${JSON.stringify(spans)}`);
      worker.child.kill('SIGINT');
      await worker.exit;
    } finally {
      await Promise.all(executors.map((executor) => executor.close()));
    }
    await rm(dir, { recursive: true, force: true });
  },
);

test(
  'a coordinator killed and started again finds its jobs: nothing queued twice, each run recorded once',
  { skip: NO_REDIS },
  async () => {
    const { dir, redis } = await setUp();
    const spec = await specFile(dir, { a: TINY, b: 'synthetic-pcb:binary:24,8,8' }, 1);
    const exp = path.join(dir, 'exp');
    const args = ['compare', '--config', spec, '--out', exp, '--queue', redis.url];
    const killed = spawnCli(args);
    await waitFor('both jobs queued', async () => (await jobCounts(redis)).waiting === 2);
    killed.child.kill('SIGKILL');
    await killed.exit;

    const worker = startWorker(redis, dir, 'w1');
    const resumed = runCli([...args, '--resume']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.deepEqual(await jobCounts(redis), {
      waiting: 0,
      active: 0,
      completed: 2,
      failed: 0,
      delayed: 0,
      prioritized: 0,
    });
    for (const id of ['a/scratch/xception-mini', 'b/scratch/xception-mini']) {
      assert.equal(recordedLines(resumed.stderr, id), 1);
    }
    assert.equal((worker.output().match(/: started/g) ?? []).length, 2, 'each run trained once');
    worker.child.kill('SIGINT');
    await worker.exit;
    await rm(dir, { recursive: true, force: true });
  },
);

const REDIS_RESTARTS = [
  {
    persist: true,
    name: 'Redis restarted mid-run: worker and coordinator reconnect and the run completes, recorded once',
  },
  {
    persist: false,
    name: 'Redis restarted mid-run without its data: the coordinator sends the lost job again, the run completes, recorded once',
  },
];

for (const { persist, name } of REDIS_RESTARTS) {
  test(name, { skip: NO_REDIS }, async () => {
    const { dir, redis } = await setUp({ persist });
    const work = path.join(dir, 'work-w1');
    const spec = await specFile(dir, { small: SMALL }, 2);
    const exp = path.join(dir, 'exp');
    const worker = startWorker(redis, dir, 'w1');
    const coordinator = spawnCli(['compare', '--config', spec, '--out', exp, '--queue', redis.url]);
    await waitFor('the first epoch', async () => {
      const runs = await readdir(work).catch(() => []);
      return runs[0] !== undefined && existsSync(path.join(work, runs[0], 'checkpoint.safetensors'));
    });
    await redis.restart();

    assert.equal(await coordinator.exit, 0, coordinator.output());
    if (!persist) assert.match(coordinator.output(), /is not in the queue any more, sending it again/);
    const record = await runJson(path.join(exp, 'runs', 'small', 'scratch', 'xception-mini', 'run.json'));
    assert.equal(record.summary!.history.length, 2);
    assert.equal(recordedLines(coordinator.output(), 'small/scratch/xception-mini'), 1);
    const counts = await jobCounts(redis);
    assert.equal(counts.completed, 1);
    assert.equal(counts.active + counts.waiting + counts.failed, 0);
    worker.child.kill('SIGINT');
    await worker.exit;
    await rm(dir, { recursive: true, force: true });
  });
}
