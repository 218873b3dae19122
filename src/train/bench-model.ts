// A model's training-step and inference timings and peak memory on random inputs: the work behind
// `pareto-edge bench` and the benchmarks' pareto-edge side. It times planStep, the trainer's own step.
import os from 'node:os';
import {
  Adam,
  keep,
  dispose,
  noGrad,
  randint,
  randn,
  tidy,
  memoryStats,
  resetPeakMemory,
  setNumThreads,
  emptyCache,
  manualSeed,
} from '../engine/index.js';
import { buildModel, type DescribedModel } from '../models/build.js';
import { inferenceCopy } from '../models/inference-copy.js';
import { describeModel } from '../zoo/registry.js';
import {
  measureLatency,
  latencyStats,
  readProcessMemoryStatus,
  resetPeakRss,
  summarize,
  type LatencyStats,
  type Summary,
} from '../measure/index.js';
import { planStep } from './blockwise-step.js';
import { DEFAULT_TRAIN_CONFIG } from './config.js';
import { chooseMemoryPlan, momentDtypeOf, type RunMemory } from './memory-choice.js';
import type { MemoryPlan } from '../analysis/index.js';
import type { PrecisionChoice, PrecisionSetting } from './precision.js';
import { tensorFormat, type MemoryFormatChoice, type MemoryFormatSetting } from './memory-format.js';
import { chooseStepSettings, type ChooseOptions } from './step-settings-choice.js';

export interface BenchOptions {
  /** Input side in pixels. */
  input: number;
  batch: number;
  /** Timed training steps, after 3 warm-up steps; inference is timed as many times. */
  steps: number;
  /** Classes of the head. */
  classes: number;
  /** Intra-op threads; every core when omitted. */
  threads?: number;
  /** nchw, channels-last, or auto (default): the faster, measured as train does (./step-settings-choice.ts). */
  memoryFormat?: MemoryFormatSetting;
  /** How the step spends memory (default: the ordinary step). */
  memoryPlan?: MemoryPlan;
  /** Use the fastest plan whose predicted peak fits, exact plans first (instead of memoryPlan). */
  memoryBudget?: number;
  /** memoryBudget may choose bfloat16 Adam moments. */
  allowBf16Moments?: boolean;
  /**
   * What the training step computes in (default fp32; auto measured as train does); inference is
   * timed in float32 either way.
   */
  precision?: PrecisionSetting;
}

export interface BenchResult {
  model: string;
  input: number;
  batch: number;
  threads: number;
  /** The format timed and how it was chosen. */
  memoryFormat: MemoryFormatChoice;
  /** The precision timed and how it was chosen. */
  precision: PrecisionChoice;
  params: { total: number; trainable: number };
  train: { steps: number; stepMs: Summary; imagesPerS: number };
  /** Inference on the training batch: the training graph, and `folded` with BatchNorm folded (as eval runs). */
  infer: { batchMs: LatencyStats; imagesPerS: number; folded: { batchMs: LatencyStats; imagesPerS: number } };
  /**
   * Peak bytes of live tensors, and the process's peak resident memory; the latter covers the whole
   * process lifetime when the kernel did not let us reset it (peakRssIsProcessLifetime).
   */
  memory: { peakTensorBytes: number; peakRssBytes: number; peakRssIsProcessLifetime: boolean };
  /** The memory plan timed, and what was predicted for it. */
  memoryPlan: RunMemory;
}

/**
 * Builds the zoo model `name` (without preprocessing) and times Adam training steps and inference on
 * one random batch. Throws ModelOptionsError for an unknown model or options it does not accept.
 */
export function benchModel(
  name: string,
  options: BenchOptions,
  chooseOptions: ChooseOptions = {},
): BenchResult {
  const description = describeModel(name, {
    numClasses: options.classes,
    inputSize: options.input,
    includePreprocessing: false,
  });
  const memory = chooseMemoryPlan(
    {
      ...DEFAULT_TRAIN_CONFIG,
      batchSize: options.batch,
      memoryPlan: options.memoryPlan ?? DEFAULT_TRAIN_CONFIG.memoryPlan,
      memoryBudgetBytes: options.memoryBudget ?? null,
      allowBf16Moments: options.allowBf16Moments ?? false,
      precision: options.precision ?? DEFAULT_TRAIN_CONFIG.precision,
      memoryFormat: options.memoryFormat ?? DEFAULT_TRAIN_CONFIG.memoryFormat,
    },
    description,
  );
  const threads = options.threads ?? os.availableParallelism();
  setNumThreads(threads);
  const { memoryFormat, precision } = chooseStepSettings(
    { memoryFormat: options.memoryFormat ?? 'auto', precision: options.precision ?? 'fp32' },
    { description, batchSize: options.batch, threads, plan: memory.plan },
    chooseOptions,
  );
  manualSeed(0);
  emptyCache();
  const model = buildModel(description);
  const optimizer = new Adam(model.trainableParameters(), { momentDtype: momentDtypeOf(memory.plan) });
  const x = keep(
    tidy(() =>
      randn([options.batch, 3, options.input, options.input]).contiguous(tensorFormat(memoryFormat.format)),
    ),
  );
  const y = keep(randint(0, options.classes, [options.batch]));
  try {
    const rssResetProblem = resetPeakRss();
    resetPeakMemory();
    const step = () => tidy(() => planStep(model, optimizer, x, y, memory.plan, precision.precision));
    const train = measureLatency(step, { warmup: 3, iterations: options.steps });
    const peakTensorBytes = memoryStats().peakBytes;
    const peakRssBytes = readProcessMemoryStatus()?.hwmBytes ?? process.memoryUsage.rss();
    const inferOn = (inferring: DescribedModel) => {
      const timed = noGrad(() =>
        measureLatency(() => tidy(() => inferring.forward(x).sum().item()), {
          warmup: 3,
          iterations: options.steps,
        }),
      );
      return { batchMs: latencyStats(timed), imagesPerS: (options.batch * 1000) / timed.medianMs };
    };
    const training = inferOn(model.eval());
    const copy = inferenceCopy(model).model;
    let folded: ReturnType<typeof inferOn>;
    try {
      folded = inferOn(copy);
    } finally {
      copy.dispose();
    }
    const counts = model.countParameters();
    return {
      model: name,
      input: options.input,
      batch: options.batch,
      threads,
      memoryFormat,
      precision,
      params: { total: counts.total, trainable: counts.trainable },
      train: {
        steps: options.steps,
        stepMs: summarize(train.timesMs),
        imagesPerS: (options.batch * 1000) / train.medianMs,
      },
      infer: { ...training, folded },
      memory: { peakTensorBytes, peakRssBytes, peakRssIsProcessLifetime: rssResetProblem !== null },
      memoryPlan: { ...memory.record, measuredPeakBytes: peakTensorBytes },
    };
  } finally {
    optimizer.dispose();
    dispose([x, y]);
    model.dispose();
  }
}
