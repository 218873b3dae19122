// BullMQ's sandboxed processor: each job runs in this child process, so training (CPU-bound, long)
// never blocks the worker process's event loop, which keeps renewing the job's lock.
import type { SandboxedJob } from 'bullmq';
import { WORKER_IDENTITY_ENV, type RunJob, type RunJobResult } from './job.js';
import { runJob, type WorkerIdentity } from './run-job.js';

// A worker killed with SIGKILL cannot stop its children: without this an orphan would go on training
// into the same run directory as the worker that picks the job up again.
process.on('disconnect', () => process.exit(1));

export default async function processRunJob(job: SandboxedJob<RunJob, RunJobResult>): Promise<RunJobResult> {
  const identity = JSON.parse(process.env[WORKER_IDENTITY_ENV] ?? 'null') as WorkerIdentity | null;
  if (identity === null)
    throw new Error(`${WORKER_IDENTITY_ENV} is not set: start jobs with pareto-edge worker`);
  return runJob(job.data, job.id!, identity, (progress) => job.updateProgress(progress));
}
