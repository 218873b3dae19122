// The coordinator's side of the queue: a RunExecutor that sends each run to the workers as one BullMQ
// job and, when a worker returns the run's small files, writes them into the experiment (once: the
// coordinator is their only writer, and a recorded run is never sent again). Job ids are hashes of the
// runs, so a restarted coordinator finds its jobs queued, running or done instead of adding copies.
import { existsSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { Job, Queue, type JobState } from 'bullmq';
import type { PlannedRun } from '../experiment/plan.js';
import type { RunExecutor, RunOutcome } from '../experiment/runner.js';
import { describeRun, isFinished, RunDir, type RunRecord } from '../train/index.js';
import { UserInputError } from '../util/errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.js';
import { connectQueue, quietErrors, redactUrl } from './connection.js';
import {
  JOB_ATTEMPTS,
  JOB_FORMAT,
  jobIdOf,
  queueNameFor,
  RETURNED_FILES,
  type RunJob,
  type RunJobResult,
  type RunProgress,
} from './job.js';
import { workersSeen } from './workers-seen.js';
import { QUEUE_STATUS_FILE, type JobStatus, type QueueStatus } from './queue-status.js';

export interface QueueExecutorOptions {
  url: string;
  expDir: string;
  /** Only workers with this tag run the jobs (the device to measure on); null: any worker. */
  tag: string | null;
  /** How often job states are read and the experiment's queue.json is rewritten. */
  pollMs?: number;
  log?: (line: string) => void;
}

/** The two reads of a job's progress, as a queue answers them. */
export type JobReader<J> = {
  getJobState(jobId: string): Promise<JobState | 'unknown'>;
  getJob(jobId: string): Promise<J | undefined>;
};

/**
 * A job and its state, read state first: a job read first and found completed a moment later was
 * read before its worker finished, without its result (BullMQ sets the state and the result in one
 * script). That race recorded a run without its files once in CI.
 */
export async function readJob<J>(
  queue: JobReader<J>,
  jobId: string,
): Promise<{ state: JobState | 'unknown'; job: J | undefined }> {
  const state = await queue.getJobState(jobId);
  const job = state === 'unknown' ? undefined : await queue.getJob(jobId);
  return { state, job };
}

/** A planned run as sent to the queue, or why it could not be. */
type Submission = { jobId: string; job: RunJob } | { error: string };

export class QueueExecutor {
  private readonly submissions = new Map<string, Promise<Submission>>();
  private readonly statuses = new Map<string, JobStatus>();
  private readonly timer: NodeJS.Timeout;
  private readonly pollMs: number;
  private readonly log: (line: string) => void;

  private constructor(
    private readonly queue: Queue<RunJob, RunJobResult>,
    private readonly options: QueueExecutorOptions,
  ) {
    this.pollMs = options.pollMs ?? 1000;
    this.log = options.log ?? (() => undefined);
    this.timer = setInterval(() => void this.writeStatus().catch(() => undefined), 2 * this.pollMs);
  }

  static async open(options: QueueExecutorOptions): Promise<QueueExecutor> {
    const queue = new Queue<RunJob, RunJobResult>(queueNameFor(options.tag), {
      connection: await connectQueue(options.url),
    });
    queue.on('error', quietErrors(options.log ?? (() => undefined)));
    await queue.waitUntilReady();
    return new QueueExecutor(queue, options);
  }

  /**
   * Sends every unfinished run to the queue at once, so that workers take them in parallel while the
   * experiment's runner waits for them one by one. A job that failed in an earlier session is tried
   * again, as a failed local run is.
   */
  async submit(runs: PlannedRun[]): Promise<void> {
    for (const run of runs) {
      if (await recorded(run)) continue;
      const submission = await this.submission(run);
      if ('error' in submission) continue;
      const job = await this.queue.getJob(submission.jobId);
      if (job && (await job.getState()) === 'failed') {
        this.log(`${run.id}: failed in an earlier session, trying again`);
        await job.retry('failed');
      }
    }
  }

  /**
   * The executor of an experiment's runs: its first call sends them all (`submit`). The runner calls
   * it after writing experiment.json, so a coordinator killed once its jobs are queued leaves an
   * experiment that `compare --resume` continues.
   */
  executorOf(runs: PlannedRun[]): RunExecutor {
    let sent: Promise<void> | undefined;
    return async (run, events) => {
      await (sent ??= this.submit(runs));
      return this.execute(run, events);
    };
  }

  readonly execute: RunExecutor = async (run) => {
    if (await recorded(run)) {
      return { id: run.id, status: 'skipped', dir: run.dir, reason: 'already finished' };
    }
    const submission = await this.submission(run);
    if ('error' in submission) return { id: run.id, status: 'failed', dir: run.dir, error: submission.error };
    for (;;) {
      const { state, job } = await readJob(this.queue, submission.jobId);
      if (!job) {
        // Gone from Redis (a Redis restarted without persistence, or removed by hand): send it again.
        this.log(`${run.id}: job ${submission.jobId} is not in the queue any more, sending it again`);
        await this.add(submission.jobId, submission.job);
        continue;
      }
      this.noteStatus(run.id, submission.jobId, job, state);
      if (state === 'completed') return this.record(run, submission.jobId, job.returnvalue);
      if (state === 'failed') {
        return { id: run.id, status: 'failed', dir: run.dir, error: job.failedReason || 'failed' };
      }
      await sleep(this.pollMs);
    }
  };

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.writeStatus().catch(() => undefined);
    await this.queue.close();
  }

  private submission(run: PlannedRun): Promise<Submission> {
    let submission = this.submissions.get(run.id);
    if (!submission) {
      submission = this.send(run);
      this.submissions.set(run.id, submission);
    }
    return submission;
  }

  private async send(run: PlannedRun): Promise<Submission> {
    let job: RunJob;
    try {
      job = await runJobOf(run, this.options.tag);
    } catch (error) {
      if (error instanceof UserInputError) return { error: error.message };
      throw error;
    }
    const jobId = jobIdOf(job);
    await this.add(jobId, job);
    return { jobId, job };
  }

  /** Adds the job unless one with its id exists already (BullMQ keeps the existing one). */
  private async add(jobId: string, job: RunJob): Promise<void> {
    await this.queue.add(job.identity.id, job, {
      jobId,
      attempts: JOB_ATTEMPTS,
      backoff: { type: 'fixed', delay: 10_000 },
      removeOnComplete: false,
      removeOnFail: false,
    });
  }

  /** Writes the run's files into the experiment, run.json last: once it is there the run is done. */
  private async record(run: PlannedRun, jobId: string, result: RunJobResult): Promise<RunOutcome> {
    const record = JSON.parse(result.files['run.json'] ?? 'null') as RunRecord | null;
    if (result.format !== JOB_FORMAT || !isFinished(record, run.config.epochs)) {
      return {
        id: run.id,
        status: 'failed',
        dir: run.dir,
        error: `job ${jobId} completed without a finished run (${result.format}); is the worker the same pareto-edge version?`,
      };
    }
    const runDir = new RunDir(run.dir);
    await runDir.mark();
    for (const name of RETURNED_FILES.filter((file) => file !== 'run.json')) {
      await writeFileAtomic(path.join(run.dir, name), result.files[name] ?? '');
    }
    await writeJsonAtomic(path.join(run.dir, 'worker.json'), { jobId, ...result.worker });
    await linkSharedWeights(run.dir, result);
    await writeFileAtomic(runDir.runJson, result.files['run.json']!);
    this.log(`${run.id}: recorded (trained by ${result.worker.worker} on ${result.worker.hostname})`);
    return { id: run.id, status: 'finished', dir: run.dir };
  }

  /** Remembers a job's state for queue.json, and logs each change of state or worker. */
  private noteStatus(
    runId: string,
    jobId: string,
    job: Job<RunJob, RunJobResult>,
    state: JobState | 'unknown',
  ) {
    const progress = typeof job.progress === 'object' ? (job.progress as unknown as RunProgress) : null;
    const status: JobStatus = {
      id: runId,
      jobId,
      state,
      worker: job.returnvalue?.worker.worker ?? progress?.worker ?? null,
      hostname: job.returnvalue?.worker.hostname ?? progress?.hostname ?? null,
      attempts: job.attemptsMade,
      progress,
      failedReason: job.failedReason ?? null,
    };
    const previous = this.statuses.get(runId);
    if (previous?.state !== state || previous.worker !== status.worker) {
      this.log(`${runId}: ${state}${status.worker ? ` on ${status.worker}` : ''}`);
    }
    this.statuses.set(runId, status);
  }

  /** EXP_DIR/queue.json: every submitted job's state and progress, and the workers seen. */
  private async writeStatus(): Promise<void> {
    for (const [runId, submission] of this.submissions) {
      const sent = await submission;
      if ('error' in sent) continue;
      const job = await this.queue.getJob(sent.jobId);
      if (job) this.noteStatus(runId, sent.jobId, job, await job.getState());
    }
    const status: QueueStatus = {
      format: 'pareto-edge-queue/1',
      queue: redactUrl(this.options.url),
      tag: this.options.tag,
      updatedAt: new Date().toISOString(),
      workers: await workersSeen(await this.queue.backend.client),
      jobs: [...this.statuses.values()],
    };
    await writeJsonAtomic(path.join(this.options.expDir, QUEUE_STATUS_FILE), status);
  }
}

/** The job of a planned run: its configuration with the data location as workers must see it. */
export async function runJobOf(run: PlannedRun, tag: string | null): Promise<RunJob> {
  const local = path.resolve(run.config.data);
  // A relative folder means nothing on another machine: send the absolute path of the same folder.
  const data = !path.isAbsolute(run.config.data) && existsSync(local) ? local : run.config.data;
  const config = { ...run.config, data };
  return {
    format: JOB_FORMAT,
    identity: { id: run.id, dataset: run.dataset, setting: run.setting },
    config,
    model: await describeRun(config),
    tag,
  };
}

async function recorded(run: PlannedRun): Promise<boolean> {
  const existing = await new RunDir(run.dir).read().catch(() => null);
  return isFinished(existing, run.config.epochs);
}

/** Weights in a shared artifacts directory this machine sees too are linked into the run. */
async function linkSharedWeights(runDir: string, result: RunJobResult): Promise<void> {
  const weights = path.join(result.worker.runDir, 'weights.safetensors');
  const link = path.join(runDir, 'weights.safetensors');
  if (!result.worker.shared || !existsSync(weights) || existsSync(link)) return;
  await symlink(weights, link);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
