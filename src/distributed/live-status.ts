// What the live page shows, read from the experiment directory alone: the planned runs
// (experiment.json), each run's record (run.json, history.csv, worker.json), the queue's view of the
// runs in flight (queue.json, when the runs go through a queue) and the Pareto front of the finished
// runs per data set and setting, on the report's default objectives.
import { readFile } from 'node:fs/promises';
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
  if (experiment === null) {
    throw new UserInputError(
      `${expDir} has no experiment.json: pass the --out directory of a pareto-edge compare (it is written when the compare starts)`,
    );
  }
  const queue = await readJson<QueueStatus>(path.join(expDir, QUEUE_STATUS_FILE));
  const jobs = new Map((queue?.jobs ?? []).map((job) => [job.id, job]));
  const outcomes = new Map(experiment.outcomes.map((outcome) => [outcome.id, outcome]));
  const runs: LiveRun[] = [];
  const summaries: (RunSummary | null)[] = [];
  for (const planned of experiment.runs) {
    const dir = path.join(expDir, planned.dir);
    const record = await readJson<RunRecord>(path.join(dir, 'run.json'));
    const ranBy = await readJson<WorkerRecord>(path.join(dir, 'worker.json'));
    const epochsDone = record?.summary?.history.length ?? (await historyRows(dir));
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
