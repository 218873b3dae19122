// One job per run: what the coordinator sends (the run's whole configuration, the model description
// itself and the data location, so a worker on another machine needs nothing else) and what the
// worker returns (the run's small files and where it ran). The job id is a hash of what is sent, so
// submitting the same run again, from a restarted coordinator, finds the job already queued or done.
import { createHash } from 'node:crypto';
import type { ModelDescription } from '../models/description.js';
import type { RunIdentity, TrainConfig } from '../train/index.js';

export const JOB_FORMAT = 'pareto-edge-job/1';

/** Jobs any worker may take go to this queue; a job requiring tag T goes to `${RUN_QUEUE}.T`. */
export const RUN_QUEUE = 'pareto-edge-runs';

export function queueNameFor(tag: string | null): string {
  return tag === null ? RUN_QUEUE : `${RUN_QUEUE}.${tag}`;
}

/** How a worker process tells its sandboxed children who they work for (they are forked with it). */
export const WORKER_IDENTITY_ENV = 'PARETO_EDGE_WORKER_IDENTITY';

/** A job failing for a reason other than bad input (a crash of its process) is tried this often. */
export const JOB_ATTEMPTS = 2;

/** Tags name queues, so they are kept to characters safe in Redis keys and URLs. */
export const TAG_PATTERN = /^[A-Za-z0-9_-]+$/;

export interface RunJob {
  format: typeof JOB_FORMAT;
  identity: RunIdentity;
  /** config.data is the data location as the workers must see it (absolute path or a data spec). */
  config: TrainConfig;
  model: ModelDescription;
  /** Only a worker with this tag may run the job (the device being measured); null: any worker. */
  tag: string | null;
}

/** Where and by whom a run was trained, written beside it as worker.json. */
export interface WorkerRecord {
  worker: string;
  hostname: string;
  tags: string[];
  pid: number;
  /** The run directory on the worker: its weights.safetensors and checkpoint stay there. */
  runDir: string;
  /** runDir is in a directory shared between workers (--artifacts), so another worker can resume it. */
  shared: boolean;
  startedAt: string;
  finishedAt: string;
}

export interface RunJobResult {
  format: typeof JOB_FORMAT;
  /** The run's small files, by name, as the worker wrote them (run.json last). */
  files: Record<string, string>;
  worker: WorkerRecord;
}

/** The small files of a run directory a worker returns; weights and checkpoints stay where trained. */
export const RETURNED_FILES = ['model.json', 'split.json', 'history.csv', 'run.json'] as const;

/** Live progress a worker reports while training (job.progress). */
export interface RunProgress {
  worker: string;
  hostname: string;
  phase: string;
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number | null;
  accuracy: number | null;
  valAccuracy: number | null;
  peakTensorBytes: number | null;
}

/** BullMQ custom ids must not be integers nor contain ':'; a hex digest with a prefix is neither. */
export function jobIdOf(job: RunJob): string {
  return `run-${createHash('sha256').update(canonicalJson(job)).digest('hex').slice(0, 32)}`;
}

/** JSON with object keys sorted, so equal configurations hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
