// Runs an experiment's runs one after another. A finished run is never redone, an interrupted one
// resumes from its checkpoint, and a failed one is recorded while the rest go on.
import path from 'node:path';
import { train, isFinished, RunDir, type TrainEvents } from '../train/index.js';
import { UserInputError } from '../util/errors.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import { requireWritableDirectory } from '../util/output-dir.js';
import type { ExperimentSpec, PlannedRun } from './plan.js';

export type RunOutcome =
  | { id: string; status: 'finished'; dir: string }
  | { id: string; status: 'skipped'; dir: string; reason: string }
  | { id: string; status: 'failed'; dir: string; error: string };

/**
 * Carries out one planned run and says how it ended. `runPlanned` trains it here; other executors
 * (a queue of workers) must keep its contract: a finished run is not redone, failures are outcomes.
 */
export type RunExecutor = (run: PlannedRun, events: RunnerEvents) => Promise<RunOutcome>;

export interface RunnerEvents {
  runStart?(run: PlannedRun, index: number, total: number): void;
  runEnd?(outcome: RunOutcome): void;
  train?: (run: PlannedRun) => TrainEvents;
}

export async function runExperiment(
  expDir: string,
  spec: ExperimentSpec,
  runs: PlannedRun[],
  events: RunnerEvents = {},
  execute: RunExecutor = runPlanned,
): Promise<RunOutcome[]> {
  await requireWritableDirectory(expDir, '--out');
  const outcomes: RunOutcome[] = [];
  const record = async () =>
    writeJsonAtomic(path.join(expDir, 'experiment.json'), {
      format: 'pareto-edge-experiment/1',
      spec,
      runs: runs.map((run) => ({ id: run.id, dir: path.relative(expDir, run.dir) })),
      outcomes: outcomes.map((o) => ({ ...o, dir: path.relative(expDir, o.dir) })),
      updatedAt: new Date().toISOString(),
    });
  await record();
  for (const [index, run] of runs.entries()) {
    events.runStart?.(run, index, runs.length);
    const outcome = await execute(run, events);
    outcomes.push(outcome);
    events.runEnd?.(outcome);
    await record();
  }
  return outcomes;
}

/** Trains one planned run in this process (the default executor). */
export async function runPlanned(run: PlannedRun, events: RunnerEvents = {}): Promise<RunOutcome> {
  const existing = await new RunDir(run.dir).read().catch(() => null);
  if (isFinished(existing, run.config.epochs)) {
    return { id: run.id, status: 'skipped', dir: run.dir, reason: 'already finished' };
  }
  if (run.config.initFrom) {
    const source = await new RunDir(run.config.initFrom).read().catch(() => null);
    if (!isFinished(source)) {
      return {
        id: run.id,
        status: 'failed',
        dir: run.dir,
        error: `no finished run to pre-train from at ${run.config.initFrom}`,
      };
    }
  }
  try {
    await train(run.config, run.dir, {
      // Always: a planned run's folder is the experiment's, so whatever a killed session left in it
      // (a checkpoint, or only the split) is continued; an empty folder simply starts a new run.
      resume: true,
      identity: { id: run.id, dataset: run.dataset, setting: run.setting },
      quiet: true,
      events: events.train?.(run),
    });
    return { id: run.id, status: 'finished', dir: run.dir };
  } catch (error) {
    const message =
      error instanceof UserInputError ? error.message : ((error as Error).stack ?? String(error));
    return { id: run.id, status: 'failed', dir: run.dir, error: message };
  }
}
