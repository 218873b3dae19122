// bench/queue: what the queue adds to each run, against the run's training. A redis-server on a free
// loopback port, one `pareto-edge worker` process, and N small runs sent one at a time through the
// coordinator's QueueExecutor (what `compare --queue` uses, with its default polling), so that no job
// waits behind another. Per job: enqueue → the worker's training starts, enqueue → the result written
// into the experiment, and the training as the worker timed it (worker.json: start and end of the
// attempt); the overhead is the whole minus the training. A first job warms the worker's training
// process and data cache and is not counted. --poll-ms sets the coordinator's polling of job states
// (default: compare's). On demand, never part of the test suite.
//   node dist/bench/queue/run.js [--jobs 10] [--model xception-mini] [--input 32] [--data synthetic-pcb:binary:16,8,8] [--poll-ms N]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { QueueExecutor } from '../../src/distributed/queue-executor.js';
import { planRuns } from '../../src/experiment/plan.js';
import { CLI } from '../../test/helpers/cli.js';
import { startRedis } from '../../test/distributed/redis.js';
import { median } from '../common/stats.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '10' },
    model: { type: 'string', default: 'xception-mini' },
    input: { type: 'string', default: '32' },
    data: { type: 'string', default: 'synthetic-pcb:binary:16,8,8' },
    'poll-ms': { type: 'string' },
  },
});
const jobs = Number(values.jobs);
console.log(`node dist/bench/queue/run.js ${process.argv.slice(2).join(' ')}`.trim());
console.log(
  `${jobs} jobs of ${values.model}, 1 epoch at ${values.input} px on ${values.data}; one worker; ` +
    `load average ${loadavg()[0].toFixed(1)} (${availableParallelism()} cores)`,
);

const dir = await mkdtemp(path.join(tmpdir(), 'pe-bench-queue-'));
const redis = await startRedis(dir);
const worker = spawn(
  process.execPath,
  [CLI, 'worker', '--queue', redis.url, '--name', 'bench', '--work-dir', path.join(dir, 'work')],
  { env: { ...process.env, CI: 'true' }, stdio: 'ignore' },
);
const expDir = path.join(dir, 'exp');
// One data set name per job: distinct runs, hence distinct job ids, on the same data.
const runs = planRuns(
  {
    models: [values.model!],
    datasets: Object.fromEntries(Array.from({ length: jobs + 1 }, (_, i) => [`job${i}`, values.data!])),
    settings: ['scratch'],
    pretrainedFrom: null,
    pretrainedDataset: null,
    train: { epochs: 1, inputSize: Number(values.input), batchSize: 8, latencyIterations: 2 },
  },
  expDir,
);

const toStart: number[] = [];
const toResult: number[] = [];
const endToWritten: number[] = [];
const training: number[] = [];
const pollMs = values['poll-ms'] === undefined ? undefined : Number(values['poll-ms']);
const executor = await QueueExecutor.open({ url: redis.url, expDir, tag: null, pollMs });
try {
  for (const [i, run] of runs.entries()) {
    const enqueued = Date.now();
    await executor.submit([run]);
    const outcome = await executor.execute(run, {});
    const written = Date.now();
    if (outcome.status !== 'finished') throw new Error(`${run.id}: ${JSON.stringify(outcome)}`);
    const span = JSON.parse(await readFile(path.join(run.dir, 'worker.json'), 'utf8')) as {
      startedAt: string;
      finishedAt: string;
    };
    if (i === 0) continue; // the warm-up
    const [start, end] = [Date.parse(span.startedAt), Date.parse(span.finishedAt)];
    toStart.push(start - enqueued);
    toResult.push(written - enqueued);
    endToWritten.push(written - end);
    training.push(end - start);
  }
} finally {
  await executor.close();
  const exited = once(worker, 'exit');
  worker.kill('SIGINT');
  await exited;
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
}

const [start, whole, train] = [median(toStart), median(toResult), median(training)];
const overhead = median(toResult.map((ms, i) => ms - training[i]!));
console.log(`medians over ${jobs} jobs (after 1 warm-up):`);
console.log(`  enqueue → training starts on the worker   ${start.toFixed(0)} ms`);
console.log(`  enqueue → result written in the experiment ${whole.toFixed(0)} ms`);
console.log(`  training, as the worker timed it          ${train.toFixed(0)} ms`);
console.log(`  training ends → result written            ${median(endToWritten).toFixed(0)} ms`);
console.log(
  `  queue overhead (whole − training)         ${overhead.toFixed(0)} ms = ${(overhead / train).toFixed(2)} × the training`,
);
