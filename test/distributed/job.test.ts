// A job's id and what a worker does with a job it cannot run, without Redis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { jobIdOf, type RunJob } from '../../src/distributed/job.js';
import { runJob } from '../../src/distributed/run-job.js';
import { readJob, runJobOf } from '../../src/distributed/queue-executor.js';
import { planRuns } from '../../src/experiment/plan.js';
import { describeModel } from '../../src/zoo/registry.js';

const TINY = 'synthetic-pcb:binary:16,8,8';

async function tinyJob(): Promise<RunJob> {
  const [run] = planRuns(
    {
      models: ['xception-mini'],
      datasets: { tiny: TINY },
      settings: ['scratch'],
      pretrainedFrom: null,
      pretrainedDataset: null,
      train: { epochs: 1, inputSize: 32 },
    },
    '/nowhere',
  );
  return runJobOf(run!, null);
}

test('a job carries the model description built for the data, and its id is a hash of all of it', async () => {
  const job = await tinyJob();
  assert.deepEqual(
    job.model,
    describeModel('xception-mini', { numClasses: 2, inputSize: 32, includePreprocessing: false }),
  );
  const id = jobIdOf(job);
  assert.match(id, /^run-[0-9a-f]{32}$/, 'not an integer and no colon (BullMQ custom ids)');
  const reordered = Object.fromEntries(Object.entries(job).reverse()) as unknown as RunJob;
  assert.equal(jobIdOf(reordered), id, 'key order does not matter');
  assert.notEqual(jobIdOf({ ...job, config: { ...job.config, seed: 1 } }), id);
  assert.notEqual(jobIdOf({ ...job, tag: 'jetson' }), id);
  assert.notEqual(jobIdOf({ ...job, model: { ...job.model, name: 'other' } }), id);
});

test('a worker fails a job it cannot run for good (UnrecoverableError), with the reason', async () => {
  const job = await tinyJob();
  const root = await mkdtemp(path.join(tmpdir(), 'pe-job-'));
  const identity = { worker: 'w', hostname: 'h', tags: [], runRoot: root, shared: false };
  try {
    const threeClasses = { ...job, model: { ...job.model, numClasses: 3 } };
    await assert.rejects(
      runJob(threeClasses, 'run-1', identity, async () => undefined),
      (error: Error) => {
        assert.ok(error instanceof UnrecoverableError);
        assert.match(error.message, /described for 3 classes at 32×32, but .* has 2 classes/);
        return true;
      },
    );
    const older = { ...job, format: 'pareto-edge-job/0' } as unknown as RunJob;
    await assert.rejects(
      runJob(older, 'run-2', identity, async () => undefined),
      /run the same pareto-edge version/,
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a job is read state first, so a completed state always comes with the worker result', async () => {
  // A worker that finishes between any two reads: each read sees the queue one moment later.
  interface FakeJob {
    returnvalue: string | null;
  }
  let reads = 0;
  const finishedAfter = 1;
  const queue = {
    getJobState: async () => (reads++ >= finishedAfter ? ('completed' as const) : ('active' as const)),
    getJob: async (): Promise<FakeJob> => ({ returnvalue: reads++ >= finishedAfter ? 'files' : null }),
  };
  for (let poll = 0; poll < 3; poll++) {
    const { state, job } = await readJob(queue, 'run-1');
    if (state === 'completed') assert.equal(job?.returnvalue, 'files', `poll ${poll}`);
  }
  // The other order, as it was: the job read while active, its state once completed.
  reads = 0;
  const job = await queue.getJob();
  const state = await queue.getJobState();
  assert.equal(state, 'completed');
  assert.equal(job.returnvalue, null, 'the race the order avoids');
});
