// What a worker does with one job: trains the run into its own run directory (in the shared artifacts
// directory when there is one, so whichever worker picks a stalled job up resumes its checkpoint) and
// returns the run's small files. A mistake in the input (bad data, a model that does not fit the data)
// fails the job for good: retrying it elsewhere would only fail again.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { train, type TrainEvents } from '../train/index.js';
import { UserInputError } from '../util/errors.js';
import { JOB_FORMAT, RETURNED_FILES, type RunJob, type RunJobResult, type RunProgress } from './job.js';

/** Who runs jobs, and where their run directories go. */
export interface WorkerIdentity {
  worker: string;
  hostname: string;
  tags: string[];
  /** Run directories are <runRoot>/<job id>. */
  runRoot: string;
  /** runRoot is shared between workers (--artifacts). */
  shared: boolean;
}

/** Batch progress is sent at most this often; epochs and phases always. */
const PROGRESS_INTERVAL_MS = 2000;

export async function runJob(
  job: RunJob,
  jobId: string,
  identity: WorkerIdentity,
  report: (progress: RunProgress) => Promise<void>,
): Promise<RunJobResult> {
  if (job.format !== JOB_FORMAT) {
    throw new UnrecoverableError(
      `job ${jobId} is ${String(job.format)}, this worker reads ${JOB_FORMAT}: run the same pareto-edge version on coordinator and workers`,
    );
  }
  const runDir = path.join(identity.runRoot, jobId);
  const startedAt = new Date().toISOString();
  try {
    await train(job.config, runDir, {
      // A run directory of this job that exists already is this job's own earlier attempt.
      resume: true,
      identity: job.identity,
      quiet: true,
      description: job.model,
      events: progressEvents(identity, report),
    });
  } catch (error) {
    if (error instanceof UserInputError) throw new UnrecoverableError(error.message);
    throw error;
  }
  const files: Record<string, string> = {};
  for (const name of RETURNED_FILES) files[name] = await readFile(path.join(runDir, name), 'utf8');
  return {
    format: JOB_FORMAT,
    files,
    worker: {
      worker: identity.worker,
      hostname: identity.hostname,
      tags: identity.tags,
      pid: process.pid,
      runDir,
      shared: identity.shared,
      startedAt,
      finishedAt: new Date().toISOString(),
    },
  };
}

function progressEvents(
  identity: WorkerIdentity,
  report: (progress: RunProgress) => Promise<void>,
): TrainEvents {
  let progress: RunProgress = {
    worker: identity.worker,
    hostname: identity.hostname,
    phase: 'starting',
    epoch: 0,
    epochs: 0,
    batch: 0,
    batches: 0,
    loss: null,
    accuracy: null,
    valAccuracy: null,
    peakTensorBytes: null,
  };
  let sentAt = 0;
  const send = (change: Partial<RunProgress>, always: boolean) => {
    progress = { ...progress, ...change };
    if (!always && performance.now() - sentAt < PROGRESS_INTERVAL_MS) return;
    sentAt = performance.now();
    // Progress is informative: a lost update must not fail the training.
    report(progress).catch(() => undefined);
  };
  return {
    start: (info) =>
      send(
        { phase: 'training', epoch: info.epochsDone, epochs: info.epochs, batches: info.batchesPerEpoch },
        true,
      ),
    batch: (b) =>
      send(
        {
          phase: 'training',
          epoch: b.epoch,
          batch: b.batch,
          batches: b.batches,
          loss: b.loss,
          accuracy: b.accuracy,
          peakTensorBytes: b.tensorBytes,
        },
        false,
      ),
    epoch: (record) =>
      send(
        {
          epoch: record.epoch,
          batch: 0,
          valAccuracy: record.valAcc,
          peakTensorBytes: record.peakTensorBytes,
        },
        true,
      ),
    phase: (text) => send({ phase: text }, true),
  };
}
