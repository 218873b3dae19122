// What the live page shows, read from the experiment directory alone: the planned runs
// (experiment.json, or the run directories found under it), each run's record (run.json, history.csv, worker.json), the queue's view of the
// runs in flight (queue.json, when the runs go through a queue) and the Pareto front of the finished
// runs per data set and setting, on the report's default objectives.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { nonDominatedIndices } from '../pareto/index.js';
import { DEFAULT_OBJECTIVES, metricValue, parseObjectives } from '../report/metrics.js';
import type { RunRecord, RunSummary } from '../train/index.js';
import { UserInputError } from '../util/errors.js';
import type { WorkerRecord } from './job.js';
import { QUEUE_STATUS_FILE, type JobStatus, type QueueStatus } from './queue-status.js';
import type { WorkerBeat } from './workers-seen.js';

export interface LiveRun {
  id: string;
  /** planned, queued, running, finished or failed. */
  status: string;
  worker: string | null;
  hostname: string | null;
  phase: string | null;
  epochsDone: number;
  epochs: number;
  /** Batch progress within the current epoch (0–1), when a worker reports it. */
  epochFraction: number | null;
  valAcc: number | null;
  testAcc: number | null;
  peakTensorBytes: number | null;
  meanEpochS: number | null;
  onFront: boolean;
  error: string | null;
}

export interface LiveStatus {
  experiment: string;
  updatedAt: string;
  objectives: string[];
  runs: LiveRun[];
  workers: WorkerBeat[];
  /** The queue the runs went through (password hidden), or null for local runs. */
  queue: string | null;
}

interface ExperimentFile {
  runs: { id: string; dir: string }[];
  outcomes: { id: string; status: string; error?: string }[];
}

export async function readLiveStatus(expDir: string): Promise<LiveStatus> {
  const experiment = await readJson<ExperimentFile>(path.join(expDir, 'experiment.json'));
  const queue = await readJson<QueueStatus>(path.join(expDir, QUEUE_STATUS_FILE));
  const jobs = new Map((queue?.jobs ?? []).map((job) => [job.id, job]));
  const outcomes = new Map((experiment?.outcomes ?? []).map((outcome) => [outcome.id, outcome]));
  const runs: LiveRun[] = [];
  const summaries: (RunSummary | null)[] = [];
  for (const planned of await runsOf(expDir, experiment, queue)) {
    const record = planned.dir ? await readJson<RunRecord>(path.join(planned.dir, 'run.json')) : null;
    const ranBy = planned.dir ? await readJson<WorkerRecord>(path.join(planned.dir, 'worker.json')) : null;
    const epochsDone = record?.summary?.history.length ?? (planned.dir ? await historyRows(planned.dir) : 0);
    const job = jobs.get(planned.id);
    const outcome = outcomes.get(planned.id);
    summaries.push(record?.summary ?? null);
    runs.push({
      id: planned.id,
      status: statusOf(record, job, outcome),
      worker: ranBy?.worker ?? job?.worker ?? null,
      hostname: ranBy?.hostname ?? job?.hostname ?? null,
      phase: record?.summary ? null : (job?.progress?.phase ?? null),
      epochsDone: Math.max(epochsDone, job?.progress?.epoch ?? 0),
      epochs: record?.config.epochs ?? job?.progress?.epochs ?? 0,
      epochFraction:
        job?.state === 'active' && job.progress && job.progress.batches > 0
          ? job.progress.batch / job.progress.batches
          : null,
      valAcc: record?.summary?.final.valAcc ?? job?.progress?.valAccuracy ?? null,
      testAcc: record?.summary?.final.testAcc ?? null,
      peakTensorBytes: record?.summary?.memory.peakTensorBytes ?? job?.progress?.peakTensorBytes ?? null,
      meanEpochS: record?.summary?.time.meanEpochS ?? null,
      onFront: false,
      error: outcome?.status === 'failed' ? (outcome.error ?? null) : (job?.failedReason ?? null),
    });
  }
  const objectives = markFront(runs, summaries);
  return {
    experiment: path.resolve(expDir),
    updatedAt: new Date().toISOString(),
    objectives,
    runs,
    workers: queue?.workers ?? [],
    queue: queue?.queue ?? null,
  };
}

function statusOf(
  record: RunRecord | null,
  job: JobStatus | undefined,
  outcome: ExperimentFile['outcomes'][number] | undefined,
): string {
  if (record?.status === 'finished') return 'finished';
  if (outcome?.status === 'failed' || job?.state === 'failed') return 'failed';
  if (job?.state === 'active' || record?.status === 'running') return 'running';
  if (job) return 'queued';
  return 'planned';
}

/** Marks the non-dominated finished runs of each data set and setting; returns the objectives' labels. */
function markFront(runs: LiveRun[], summaries: (RunSummary | null)[]): string[] {
  const finished = summaries.filter((summary): summary is RunSummary => summary !== null);
  const objectives = parseObjectives(DEFAULT_OBJECTIVES, finished);
  const groups = new Map<string, number[]>();
  summaries.forEach((summary, index) => {
    if (summary === null || objectives.some((objective) => metricValue(summary, objective) === null)) return;
    const key = `${summary.dataset}/${summary.setting}`;
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  for (const members of groups.values()) {
    const points = members.map((index) =>
      Object.fromEntries(
        objectives.map((objective) => [objective.key, metricValue(summaries[index]!, objective)!]),
      ),
    );
    for (const position of nonDominatedIndices(points, objectives)) runs[members[position]!]!.onFront = true;
  }
  return objectives.map((objective) => `${objective.label} ${objective.direction === 'max' ? '↑' : '↓'}`);
}

/**
 * The runs to show: an experiment's plan (experiment.json), else every run directory found under the
 * folder (a search's, or runs put together by hand), plus the queue's jobs that have no directory yet.
 */
async function runsOf(
  expDir: string,
  experiment: ExperimentFile | null,
  queue: QueueStatus | null,
): Promise<{ id: string; dir: string | null }[]> {
  const runs: { id: string; dir: string | null }[] =
    experiment?.runs.map((run) => ({ id: run.id, dir: path.join(expDir, run.dir) })) ??
    (await findRuns(expDir));
  const known = new Set(runs.map((run) => run.id));
  for (const job of queue?.jobs ?? []) if (!known.has(job.id)) runs.push({ id: job.id, dir: null });
  if (runs.length === 0) {
    throw new UserInputError(
      `${expDir} holds no runs (no experiment.json, run.json or queue.json): pass the --out directory of a pareto-edge compare`,
    );
  }
  return runs;
}

/** Every folder under `dir` holding a run.json, named by its identity (or its path). Links are not followed. */
async function findRuns(dir: string): Promise<{ id: string; dir: string }[]> {
  const found: { id: string; dir: string }[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const entries = await readdir(current, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (current === dir && error.code === 'ENOENT') {
        throw new UserInputError(`${dir} does not exist: pass the --out directory of a pareto-edge compare`);
      }
      return [];
    });
    for (const entry of entries) {
      if (entry.isDirectory()) pending.push(path.join(current, entry.name));
      else if (entry.name === 'run.json') {
        const record = await readJson<RunRecord>(path.join(current, entry.name));
        found.push({ id: record?.identity?.id ?? path.relative(dir, current), dir: current });
      }
    }
  }
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

/** Epochs a run in progress has finished: the rows of its history.csv. */
async function historyRows(dir: string): Promise<number> {
  const text = await readFile(path.join(dir, 'history.csv'), 'utf8').catch(() => '');
  return Math.max(0, text.trim().split('\n').length - 1);
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}
