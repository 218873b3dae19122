// BullMQ's sandboxed processor: each job runs in this child process, so training (CPU-bound, long)
// never blocks the worker process's event loop, which keeps renewing the job's lock.
import { DelayedError, type SandboxedJob } from 'bullmq';
import { WORKER_IDENTITY_ENV, type RunJob, type RunJobResult } from './job.js';
import { takeSlot, type MachineSlots } from './machine-slots.js';
import { runJob, type WorkerIdentity } from './run-job.js';

/** What the worker process tells its children (BullMQ forks them with it in WORKER_IDENTITY_ENV). */
export interface ProcessorContext {
  identity: WorkerIdentity;
  slots: MachineSlots;
}

/** How long a job waits in the queue when this machine has no free slot. */
const BUSY_DELAY_MS = 3000;

// A worker killed with SIGKILL cannot stop its children: without this an orphan would go on training
// into the same run directory as the worker that picks the job up again.
process.on('disconnect', () => process.exit(1));

export default async function processRunJob(
  job: SandboxedJob<RunJob, RunJobResult>,
  token?: string,
): Promise<RunJobResult> {
  const context = JSON.parse(process.env[WORKER_IDENTITY_ENV] ?? 'null') as ProcessorContext | null;
  if (context === null)
    throw new Error(`${WORKER_IDENTITY_ENV} is not set: start jobs with pareto-edge worker`);
  const release = await takeSlot(context.slots);
  if (release === null) {
    await job.moveToDelayed(Date.now() + BUSY_DELAY_MS, token);
    throw new DelayedError();
  }
  try {
    return await runJob(job.data, job.id!, context.identity, (progress) => job.updateProgress(progress));
  } finally {
    await release();
  }
}
