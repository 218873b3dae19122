// `--memory-format auto` and `--precision auto`: which format and precision are faster depends on the
// model and the CPU, so a few training steps of the run's own model are timed in each candidate
// combination (format × precision, every combination the two settings allow), on random input, the
// fastest kept, and the times cached per machine and workload: measured once, not at every run.
// Measuring the combinations jointly, rather than the format first and the precision in it, costs at
// most four short measurements and cannot miss a format that is faster only in bf16.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  Adam,
  dispose,
  emptyCache,
  engineInfo,
  keep,
  randint,
  randn,
  readCpuFlags,
  tidy,
} from '../engine/index.js';
import { defaultCacheRoot } from '../data/cache-dir.js';
import { measureLatency } from '../measure/index.js';
import { buildModel } from '../models/build.js';
import type { ModelDescription } from '../models/description.js';
import type { MemoryPlan } from '../analysis/index.js';
import { planStep } from './blockwise-step.js';
import {
  precisionCandidates,
  unmeasuredPrecision,
  type Precision,
  type PrecisionChoice,
  type PrecisionSetting,
} from './precision.js';
import {
  MEMORY_FORMATS,
  tensorFormat,
  type MemoryFormat,
  type MemoryFormatChoice,
  type MemoryFormatSetting,
} from './memory-format.js';

/** The training step whose time decides `auto`: the model (and its input size), batch and plan. */
export interface StepWorkload {
  description: ModelDescription;
  batchSize: number;
  /** Intra-op threads the step runs on (set by the caller before choosing). */
  threads: number;
  plan: MemoryPlan;
}

/** One combination a step may run in. */
export interface StepSettings {
  format: MemoryFormat;
  precision: Precision;
}

/** Median time of a training step of the workload in a format and precision, ms. */
export type StepTimer = (settings: StepSettings, workload: StepWorkload) => number;

export interface ChooseOptions {
  /** Default: timeTrainingStep (tests pass a fake one). */
  measure?: StepTimer;
  /** Where the times are kept (default: <pareto-edge cache>/step-settings). */
  cacheDir?: string;
  /** The CPU's flags (default: /proc/cpuinfo's; tests pass others). */
  cpuFlags?: () => Set<string>;
}

/** What ran and how each was chosen (run.json's and bench's `memoryFormat` and `precision`). */
export interface StepChoice {
  memoryFormat: MemoryFormatChoice;
  precision: PrecisionChoice;
}

/**
 * The format and precision the settings mean for a workload on this machine. An `auto` measures its
 * candidates (in every candidate of the other setting), or reads what an earlier measurement of the
 * same workload on the same machine found. Refuses bf16 on a CPU without bfloat16 instructions.
 * Building and stepping the measured model draws from the global random generator: seed after choosing.
 */
export function chooseStepSettings(
  settings: { memoryFormat: MemoryFormatSetting; precision: PrecisionSetting },
  workload: StepWorkload,
  {
    measure = timeTrainingStep,
    cacheDir = path.join(defaultCacheRoot(), 'step-settings'),
    cpuFlags = readCpuFlags,
  }: ChooseOptions = {},
): StepChoice {
  const formats = settings.memoryFormat === 'auto' ? [...MEMORY_FORMATS] : [settings.memoryFormat];
  const precisions = precisionCandidates(settings.precision, cpuFlags);
  const candidates = formats.flatMap((format) => precisions.map((precision) => ({ format, precision })));
  const forcedFormat: MemoryFormatChoice | null =
    formats.length === 1 ? { format: formats[0]!, chosen: 'forced' } : null;
  const fixedPrecision = unmeasuredPrecision(settings.precision, precisions);
  if (candidates.length === 1) return { memoryFormat: forcedFormat!, precision: fixedPrecision! };

  const file = path.join(cacheDir, `${cacheKey(workload)}.json`);
  const stepMs = readCachedTimes(file);
  const missing = candidates.filter((c) => stepMs[keyOf(c)] === undefined);
  for (const c of missing) stepMs[keyOf(c)] = measure(c, workload);
  if (missing.length > 0) writeCachedTimes(file, workload, stepMs);
  const cached = missing.length === 0;

  // Ties go to the first candidate: NCHW (no conversions) and fp32 (no rounding).
  const time = (c: StepSettings) => stepMs[keyOf(c)]!;
  const fastest = candidates.reduce((best, c) => (time(c) < time(best) ? c : best));
  const memoryFormat: MemoryFormatChoice = forcedFormat ?? {
    format: fastest.format,
    chosen: 'measured',
    stepMs: Object.fromEntries(
      MEMORY_FORMATS.map((format) => [format, time({ format, precision: fastest.precision })]),
    ) as Record<MemoryFormat, number>,
    cached,
  };
  const precision: PrecisionChoice = fixedPrecision ?? {
    precision: fastest.precision,
    chosen: 'measured',
    stepMs: {
      fp32: time({ format: fastest.format, precision: 'fp32' }),
      bf16: time({ format: fastest.format, precision: 'bf16' }),
    },
    cached,
  };
  return { memoryFormat, precision };
}

function keyOf({ format, precision }: StepSettings): string {
  return `${format} ${precision}`;
}

/**
 * What the measured times depend on: the CPU, the libtorch build and the kernels it picked, the model
 * (its description includes the input size and classes), batch, threads and memory plan.
 */
function cacheKey(w: StepWorkload): string {
  const info = engineInfo();
  const identity = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    libtorch: info.libtorch.version,
    cpuCapability: info.cpuCapability,
    model: createHash('sha256').update(JSON.stringify(w.description)).digest('hex'),
    batch: w.batchSize,
    threads: w.threads,
    plan: w.plan,
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}

/** A cache entry is rebuildable: an unreadable one, or an unreadable time in it, is measured again. */
function readCachedTimes(file: string): Record<string, number> {
  try {
    const { stepMs } = JSON.parse(readFileSync(file, 'utf8')) as { stepMs?: Record<string, unknown> };
    return Object.fromEntries(
      Object.entries(stepMs ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0),
    );
  } catch {
    return {};
  }
}

function writeCachedTimes(file: string, w: StepWorkload, stepMs: Record<string, number>): void {
  const entry = {
    model: w.description.name,
    input: w.description.input,
    batch: w.batchSize,
    threads: w.threads,
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
 * One warm-up and three timed training steps (Adam, the workload's plan) of a freshly built model on
 * a random batch in the format and precision; the median, ms.
 */
export function timeTrainingStep({ format, precision }: StepSettings, w: StepWorkload): number {
  const { height, width, channels } = w.description.input;
  const model = buildModel(w.description);
  const optimizer = new Adam(model.trainableParameters());
  const x = keep(tidy(() => randn([w.batchSize, channels, height, width]).contiguous(tensorFormat(format))));
  const y = keep(randint(0, w.description.numClasses ?? 1, [w.batchSize]));
  try {
    const step = () => tidy(() => planStep(model, optimizer, x, y, w.plan, precision));
    return measureLatency(step, { warmup: 1, iterations: 3 }).medianMs;
  } finally {
    optimizer.dispose();
    dispose([x, y]);
    model.dispose();
    emptyCache();
  }
}
