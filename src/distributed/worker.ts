// `pareto-edge worker`: takes run jobs from the queue (the untagged one and one per tag of this
// worker) and trains each in a BullMQ sandboxed processor, a child process, so that the worker's own
// event loop stays free to renew job locks while training keeps a core busy for hours.
import os from 'node:os';
import path from 'node:path';
import { rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Worker, type Job } from 'bullmq';
import { defaultCacheRoot } from '../data/index.js';
import { connectQueue, quietErrors } from './connection.js';
import { queueNameFor, WORKER_IDENTITY_ENV, type RunJob, type RunJobResult } from './job.js';
import type { WorkerIdentity } from './run-job.js';
import type { ProcessorContext } from './processor.js';
import { WORKERS_KEY, type WorkerBeat } from './workers-seen.js';

export interface WorkerOptions {
  url: string;
  tags: string[];
  concurrency: number;
  /** A directory shared between workers: run directories (checkpoints, weights) go there. */
  artifacts: string | null;
  /** Where run directories go without --artifacts (default: the cache's worker-runs folder). */
  workDir?: string;
  /**
   * How long a job stays locked without renewal: after a worker dies, its job goes back to the queue
   * within about this time plus the stalled-job check interval (half of it).
   */
  lockSeconds: number;
  /** Worker name shown on the live page (default host-pid-random). */
  name?: string;
  log?: (line: string) => void;
}

/** A job whose worker died this many times fails ("job stalled more than allowable limit"). */
export const MAX_STALLED_COUNT = 3;
const HEARTBEAT_MS = 5000;

export interface RunningWorker {
  identity: WorkerIdentity;
  close(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const connection = await connectQueue(options.url);
  const hostname = os.hostname();
  const name = options.name ?? `${hostname}-${process.pid}-${randomBytes(2).toString('hex')}`;
  const identity: WorkerIdentity = {
    worker: name,
    hostname,
    tags: options.tags,
    runRoot: path.resolve(
      options.artifacts ?? options.workDir ?? path.join(defaultCacheRoot(), 'worker-runs'),
    ),
    shared: options.artifacts !== null,
  };
  const log = options.log ?? (() => undefined);
  const context: ProcessorContext = {
    identity,
    slots: { dir: path.join(os.tmpdir(), `pareto-edge-worker-${process.pid}`), count: options.concurrency },
  };
  const processor = fileURLToPath(new URL('./processor.js', import.meta.url));
  const queues = [null, ...options.tags].map(queueNameFor);
  const workers = queues.map(
    (queue) =>
      new Worker<RunJob, RunJobResult>(queue, processor, {
        connection,
        name,
        concurrency: options.concurrency,
        useWorkerThreads: false,
        workerForkOptions: { env: { ...process.env, [WORKER_IDENTITY_ENV]: JSON.stringify(context) } },
        lockDuration: options.lockSeconds * 1000,
        stalledInterval: Math.max(1000, (options.lockSeconds * 1000) / 2),
        maxStalledCount: MAX_STALLED_COUNT,
      }),
  );
  const onError = quietErrors(log);
  for (const worker of workers) {
    worker.on('active', (job: Job<RunJob>) => log(`${job.data.identity.id}: started (${job.id})`));
    worker.on('completed', (job: Job<RunJob>) => log(`${job.data.identity.id}: finished`));
    worker.on('failed', (job: Job<RunJob> | undefined, error: Error) =>
      log(`${job?.data.identity.id ?? 'a job'}: failed: ${error.message.split('\n')[0]}`),
    );
    // Connection errors are retried by the client: say so, without flooding the log.
    worker.on('error', onError);
  }
  const beat = heartbeat(workers[0]!, identity, options.concurrency);
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  log(`worker ${name} on ${queues.join(', ')}; run directories in ${identity.runRoot}`);
  return {
    identity,
    close: async () => {
      clearInterval(beat);
      await Promise.all(workers.map((worker) => worker.close()));
      await rm(context.slots.dir, { recursive: true, force: true });
    },
  };
}

/** Tells coordinators and the live page this worker is alive, every few seconds. */
function heartbeat(worker: Worker, identity: WorkerIdentity, concurrency: number): NodeJS.Timeout {
  const startedAt = new Date().toISOString();
  const beat = async () => {
    const record: WorkerBeat = {
      worker: identity.worker,
      hostname: identity.hostname,
      tags: identity.tags,
      concurrency,
      pid: process.pid,
      startedAt,
      lastSeen: new Date().toISOString(),
    };
    const client = await worker.backend.client;
    await client.hset(WORKERS_KEY, { [identity.worker]: JSON.stringify(record) });
  };
  const timer = setInterval(() => void beat().catch(() => undefined), HEARTBEAT_MS);
  timer.unref();
  void beat().catch(() => undefined);
  return timer;
}
