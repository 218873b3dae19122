// EXP_DIR/queue.json, rewritten by the coordinator every few seconds while its jobs run: what each
// job is doing and which workers are taking jobs. The live page reads it (and only files), so it can
// be served from any machine that sees the experiment directory.
import type { RunProgress } from './job.js';
import type { WorkerBeat } from './workers-seen.js';

export const QUEUE_STATUS_FILE = 'queue.json';

export interface JobStatus {
  /** The run's id in the experiment. */
  id: string;
  jobId: string;
  /** BullMQ's state: waiting, active, completed, failed, delayed, … */
  state: string;
  worker: string | null;
  hostname: string | null;
  attempts: number;
  progress: RunProgress | null;
  failedReason: string | null;
}

export interface QueueStatus {
  format: 'pareto-edge-queue/1';
  /** The queue's URL without its password. */
  queue: string;
  tag: string | null;
  updatedAt: string;
  workers: WorkerBeat[];
  jobs: JobStatus[];
}
