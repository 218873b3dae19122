// `--memory-format auto`: which format is faster depends on the model and the CPU, so a few training
// steps of the run's own model are timed in each, on random input, the faster kept, and the times
// cached per machine and workload: measured once, not at every run.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Adam, dispose, emptyCache, engineInfo, keep, randint, randn, tidy } from '../engine/index.js';
import { defaultCacheRoot } from '../data/cache-dir.js';
import { measureLatency } from '../measure/index.js';
import { buildModel } from '../models/build.js';
import type { ModelDescription } from '../models/description.js';
import type { MemoryPlan } from '../analysis/index.js';
import { planStep } from './blockwise-step.js';
import type { Precision } from './precision.js';
import {
  MEMORY_FORMATS,
  tensorFormat,
  type MemoryFormat,
  type MemoryFormatChoice,
  type MemoryFormatSetting,
} from './memory-format.js';

/** The training step whose time decides `auto`: the model (and its input size), batch and settings. */
export interface FormatWorkload {
  description: ModelDescription;
  batchSize: number;
  /** Intra-op threads the step runs on (set by the caller before choosing). */
  threads: number;
  precision: Precision;
  plan: MemoryPlan;
}

/** Median time of a training step of the workload in a format, ms. */
export type StepTimer = (format: MemoryFormat, workload: FormatWorkload) => number;

export interface ChooseOptions {
  /** Default: timeTrainingStep (tests pass a fake one). */
  measure?: StepTimer;
  /** Where the choices are kept (default: <pareto-edge cache>/memory-format). */
  cacheDir?: string;
}

/**
 * The format a setting means for a workload on this machine. `auto` measures both formats, or reads
 * what an earlier measurement of the same workload on the same machine found. Building and stepping
 * the measured model draws from the global random generator: seed after choosing.
 */
export function chooseMemoryFormat(
  setting: MemoryFormatSetting,
  workload: FormatWorkload,
  {
    measure = timeTrainingStep,
    cacheDir = path.join(defaultCacheRoot(), 'memory-format'),
  }: ChooseOptions = {},
): MemoryFormatChoice {
  if (setting !== 'auto') return { format: setting, chosen: 'forced' };
  const file = path.join(cacheDir, `${cacheKey(workload)}.json`);
  const cached = readCachedTimes(file);
  if (cached) return fasterOf(cached, true);
  const stepMs = { nchw: measure('nchw', workload), 'channels-last': measure('channels-last', workload) };
  writeCachedTimes(file, workload, stepMs);
  return fasterOf(stepMs, false);
}

/** Ties go to NCHW, the format without conversions. */
function fasterOf(stepMs: Record<MemoryFormat, number>, cached: boolean): MemoryFormatChoice {
  const format = stepMs['channels-last'] < stepMs.nchw ? 'channels-last' : 'nchw';
  return { format, chosen: 'measured', stepMs, cached };
}

/**
 * What the measured times depend on: the CPU, the libtorch build and the kernels it picked, the model
 * (its description includes the input size and classes), batch, threads, precision and memory plan.
 */
function cacheKey(w: FormatWorkload): string {
  const info = engineInfo();
  const identity = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    libtorch: info.libtorch.version,
    cpuCapability: info.cpuCapability,
    model: createHash('sha256').update(JSON.stringify(w.description)).digest('hex'),
    batch: w.batchSize,
    threads: w.threads,
    precision: w.precision,
    plan: w.plan,
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}

/** A cache entry is rebuildable: an unreadable one is measured again. */
function readCachedTimes(file: string): Record<MemoryFormat, number> | null {
  try {
    const { stepMs } = JSON.parse(readFileSync(file, 'utf8')) as { stepMs?: Record<MemoryFormat, number> };
    return MEMORY_FORMATS.every((f) => typeof stepMs?.[f] === 'number' && stepMs[f] > 0) ? stepMs! : null;
  } catch {
    return null;
  }
}

function writeCachedTimes(file: string, w: FormatWorkload, stepMs: Record<MemoryFormat, number>): void {
  const entry = {
    model: w.description.name,
    input: w.description.input,
    batch: w.batchSize,
    threads: w.threads,
    precision: w.precision,
    stepMs,
    measuredAt: new Date().toISOString(),
  };
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(entry, null, 2)}\n`);
    renameSync(temp, file);
  } catch {
    // A read-only cache only means measuring again next time.
  }
}

/**
 * One warm-up and three timed training steps (Adam, the workload's plan and precision) of a freshly
 * built model on a random batch in the format; the median, ms.
 */
export function timeTrainingStep(format: MemoryFormat, w: FormatWorkload): number {
  const { height, width, channels } = w.description.input;
  const model = buildModel(w.description);
  const optimizer = new Adam(model.trainableParameters());
  const x = keep(tidy(() => randn([w.batchSize, channels, height, width]).contiguous(tensorFormat(format))));
  const y = keep(randint(0, w.description.numClasses ?? 1, [w.batchSize]));
  try {
    const step = () => tidy(() => planStep(model, optimizer, x, y, w.plan, w.precision));
    return measureLatency(step, { warmup: 1, iterations: 3 }).medianMs;
  } finally {
    optimizer.dispose();
    dispose([x, y]);
    model.dispose();
    emptyCache();
  }
}
