// A run directory: run.json (configuration, data, machine, status and the final summary),
// history.csv, model.json, weights.safetensors, checkpoint.safetensors and split.json, plus an empty
// marker created before any of them, so a run killed before its first run.json is still known as ours.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { removeStaleTemporaries, writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.js';
import type { ModelDescription } from '../models/description.js';
import { upgradeTrainConfig, type LegacyTrainConfig, type TrainConfig } from './config.js';
import type { MemoryFormat, MemoryFormatChoice } from './memory-format.js';
import type { PrecisionChoice } from './precision.js';
import type { EpochRecord } from '../measure/index.js';
import type { RunIdentity, RunSummary } from './run-summary.js';
import type { RunMemory } from './memory-choice.js';
import { historyCsv } from './history-csv.js';
import { TrainInputError } from './errors.js';

export const RUN_FORMAT = 'pareto-edge-run/1';

const MARKER = '.pareto-edge-run';
/** Every file a run writes atomically (whose temporaries a resume may clean up). */
const RUN_FILES = [
  'run.json',
  'history.csv',
  'model.json',
  'weights.safetensors',
  'checkpoint.safetensors',
  'split.json',
];

export interface RunRecord {
  format: typeof RUN_FORMAT;
  status: 'running' | 'finished';
  config: TrainConfig;
  data: {
    spec: string;
    dir: string;
    layout: string;
    classes: string[];
    splitFile: string;
    counts: Record<string, number>;
  };
  model: { name: string; params: { total: number; trainable: number; nonTrainable: number } };
  machine: Record<string, unknown>;
  /** The run's name in tables and reports (absent in runs started by older versions). */
  identity?: RunIdentity;
  startedAt: string;
  updatedAt: string;
  /** Present once the run has finished. */
  summary?: RunSummary;
  /** The memory plan used, its predicted peak and (after an epoch) the measured one. */
  memory?: RunMemory;
  /** The memory format the latest session trained in and how it was chosen (absent in older runs). */
  memoryFormat?: MemoryFormatChoice;
  /**
   * The precision the run trains in and how it was chosen (absent in older runs: their
   * config.precision, fp32 when absent too, is what they trained in).
   */
  precision?: PrecisionChoice;
  /** Per-class test accuracy and the confusion matrix, once finished. */
  test?: { perClassAccuracy: number[]; confusion: number[][] };
}

export class RunDir {
  constructor(readonly dir: string) {}

  get runJson(): string {
    return path.join(this.dir, 'run.json');
  }
  get checkpoint(): string {
    return path.join(this.dir, 'checkpoint.safetensors');
  }
  get weights(): string {
    return path.join(this.dir, 'weights.safetensors');
  }
  get splitFile(): string {
    return path.join(this.dir, 'split.json');
  }

  /** The record, its configuration as today's TrainConfig (older runs' channelsLast read as memoryFormat). */
  async read(): Promise<RunRecord | null> {
    try {
      const record = JSON.parse(await readFile(this.runJson, 'utf8')) as RunRecord;
      if (typeof record.config !== 'object' || record.config === null) return record;
      return { ...record, config: upgradeTrainConfig(record.config as LegacyTrainConfig) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new TrainInputError(
        `${this.runJson} is not readable JSON (${(error as Error).message}); move it away or choose another --out`,
      );
    }
  }

  /** Entries in the directory, or null when it does not exist. */
  async entries(): Promise<string[] | null> {
    try {
      return await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** Whether the directory's entries include the marker of a run started here. */
  static isMarked(entries: string[]): boolean {
    return entries.includes(MARKER);
  }

  /**
   * Marks the directory as a run's before anything else is written. Creating an empty file is atomic:
   * a kill leaves the marker or nothing, and an empty directory is free for any run anyway.
   */
  async mark(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFile(path.join(this.dir, MARKER), '');
  }

  /** Removes temporaries that killed sessions of this run left behind. */
  async removeStaleTemporaries(): Promise<void> {
    return removeStaleTemporaries(this.dir, RUN_FILES);
  }

  async writeRecord(record: RunRecord): Promise<void> {
    await writeJsonAtomic(this.runJson, { ...record, updatedAt: new Date().toISOString() });
  }

  async writeHistory(history: EpochRecord[]): Promise<void> {
    await writeFileAtomic(path.join(this.dir, 'history.csv'), historyCsv(history));
  }

  async writeModel(description: ModelDescription): Promise<void> {
    await writeJsonAtomic(path.join(this.dir, 'model.json'), description);
  }
}

/**
 * The format a run's model ran in, which eval and predict use too: what the run recorded, or, for a run
 * older than the record, its configuration's (upgraded from channelsLast by RunDir.read).
 */
export function runMemoryFormat(record: RunRecord): MemoryFormat {
  if (record.memoryFormat) return record.memoryFormat.format;
  return record.config.memoryFormat === 'channels-last' ? 'channels-last' : 'nchw';
}

/**
 * Whether a run has nothing left to do for `epochs` (default: its own): it trained them all, or early
 * stopping ended it. Training, experiments, --init-from and eval all ask this one question.
 */
export function isFinished(
  record: RunRecord | null,
  epochs = record?.config.epochs ?? 0,
): record is RunRecord & { summary: RunSummary } {
  if (record?.status !== 'finished' || record.summary === undefined) return false;
  return record.summary.stoppedEarly === true || record.summary.history.length >= epochs;
}

/** Reads a finished run for --init-from or eval, with a clear error when it is not one. */
export async function readFinishedRun(dir: string, purpose: string): Promise<RunRecord> {
  const record = await new RunDir(dir).read();
  if (record === null) throw new TrainInputError(`${purpose} ${dir} is not a pareto-edge run (no run.json)`);
  if (!isFinished(record)) {
    throw new TrainInputError(
      `${purpose} ${dir} has not finished training; resume it first (pareto-edge train --out ${dir} --resume)`,
    );
  }
  return record;
}
