// What a training run is asked to do. Saved in run.json so a run can be resumed, compared and
// repeated; everything that changes the numbers is here, with Keras' defaults where the paper used Keras.
import { DEFAULT_MEMORY_PLAN, type MemoryPlan } from '../analysis/memory-plan.js';
import type { AugmentSetting } from '../data/augment.js';
import { TrainInputError } from './errors.js';
import type { PrecisionSetting } from './precision.js';
import type { MemoryFormatSetting } from './memory-format.js';

export type OptimizerName = 'adam' | 'adamw' | 'sgd';

export type Schedule =
  | { kind: 'constant' }
  /** Multiply the learning rate by factor every `every` epochs. */
  | { kind: 'step'; every: number; factor: number }
  /** Cosine decay from the initial rate to minLearningRate over the run's epochs. */
  | { kind: 'cosine'; minLearningRate: number };

export interface EarlyStopping {
  metric: 'valAcc' | 'valLoss';
  /** Epochs without improvement before stopping. */
  patience: number;
}

/** 'none', 'backbone' (everything but the head), or { lastBlocks: N } (train only the last N blocks and the head). */
export type Freeze = 'none' | 'backbone' | { lastBlocks: number };

export interface TrainConfig {
  model: string;
  /** MobileNetV2 width multiplier, when the model takes one. */
  alpha?: number;
  /** A folder, 'synthetic-pcb[:binary|:six-class]', or a registered dataset name (caltech101). */
  data: string;
  dropBackground: boolean;
  inputSize: number;
  epochs: number;
  batchSize: number;
  /** Intra-op threads; null = every core. */
  threads: number | null;
  optimizer: OptimizerName;
  learningRate: number;
  /** SGD momentum. */
  momentum: number;
  weightDecay: number;
  schedule: Schedule;
  earlyStopping: EarlyStopping | null;
  seed: number;
  /** The training set's augmentation: true = the paper's, 'flips' = random flips only, false = none. */
  augment: AugmentSetting;
  /**
   * nchw, channels-last (NHWC strides, oneDNN's preferred layout on CPUs), or auto: the faster for this
   * model on this CPU, measured before training (src/train/memory-format.ts; run.json's memoryFormat
   * records what ran).
   */
  memoryFormat: MemoryFormatSetting;
  /** Cache decoded, resized images on disk. */
  cacheImages: boolean;
  /** Loader worker threads; null = one per core. */
  workers: number | null;
  /** Run directory whose weights initialise this run's backbone (transfer learning). */
  initFrom: string | null;
  /** Also load the head from initFrom (same classes only). */
  keepHead: boolean;
  freeze: Freeze;
  /** Timed calls of the inference latency measurement after training. */
  latencyIterations: number;
  /**
   * After the last epoch, re-estimate BatchNorm's statistics from the training images before testing
   * and saving (off by default: Keras, and the paper, test with the moving statistics).
   */
  recalibrateBatchNorm: boolean;
  /**
   * How a step spends memory (checkpointing, micro-batches, optimizer in backward, bfloat16 moments):
   * src/analysis/memory-plan.ts.
   */
  memoryPlan: MemoryPlan;
  /** When set, the fastest plan whose predicted peak fits (exact plans first) replaces memoryPlan. */
  memoryBudgetBytes: number | null;
  /** memoryBudgetBytes may choose a plan with bfloat16 Adam moments (reduced-precision state). */
  allowBf16Moments: boolean;
  /**
   * What the training step computes in: fp32, bf16 autocast (src/train/precision.ts; refused on a
   * CPU without bfloat16 instructions), or auto: bf16 where the CPU has them and a step measures faster
   * (./step-settings-choice.ts; run.json's precision records what ran and how it was chosen).
   */
  precision: PrecisionSetting;
}

export const DEFAULT_TRAIN_CONFIG: Omit<TrainConfig, 'model' | 'data'> = {
  dropBackground: false,
  inputSize: 96,
  epochs: 10,
  batchSize: 16,
  threads: null,
  optimizer: 'adam',
  learningRate: 1e-3,
  momentum: 0.9,
  weightDecay: 0,
  schedule: { kind: 'constant' },
  earlyStopping: null,
  seed: 0,
  augment: true,
  memoryFormat: 'auto',
  cacheImages: true,
  workers: null,
  initFrom: null,
  keepHead: false,
  freeze: 'none',
  latencyIterations: 20,
  recalibrateBatchNorm: false,
  memoryPlan: DEFAULT_MEMORY_PLAN,
  memoryBudgetBytes: null,
  allowBf16Moments: false,
  precision: 'fp32',
};

/** The learning rate for an epoch (0-based) under a schedule. */
export function learningRateAt(
  config: Pick<TrainConfig, 'learningRate' | 'schedule' | 'epochs'>,
  epoch: number,
): number {
  const { learningRate, schedule } = config;
  switch (schedule.kind) {
    case 'constant':
      return learningRate;
    case 'step':
      return learningRate * schedule.factor ** Math.floor(epoch / schedule.every);
    case 'cosine': {
      const progress = config.epochs <= 1 ? 0 : epoch / (config.epochs - 1);
      return (
        schedule.minLearningRate +
        0.5 * (learningRate - schedule.minLearningRate) * (1 + Math.cos(Math.PI * progress))
      );
    }
  }
}

/** Parses 'none', 'backbone' or 'last:N' (train only the last N blocks and the head). */
export function parseFreeze(text: string): Freeze {
  if (text === 'none' || text === 'backbone') return text;
  const match = /^(?:last|all-but-last):(\d+)$/.exec(text);
  if (match) return { lastBlocks: Number(match[1]) };
  throw new TrainInputError(
    `--freeze must be none, backbone or last:N (train only the last N blocks), got "${text}"`,
  );
}

/** Parses 'constant', 'step:EVERY:FACTOR' or 'cosine[:MIN_LR]'. */
export function parseSchedule(text: string): Schedule {
  if (text === 'constant') return { kind: 'constant' };
  const step = /^step:(\d+):([\d.e-]+)$/.exec(text);
  if (step) return { kind: 'step', every: Number(step[1]), factor: Number(step[2]) };
  const cosine = /^cosine(?::([\d.e-]+))?$/.exec(text);
  if (cosine) return { kind: 'cosine', minLearningRate: Number(cosine[1] ?? 0) };
  throw new TrainInputError(
    `--schedule must be constant, step:EVERY:FACTOR (e.g. step:10:0.5) or cosine[:MIN_LR], got "${text}"`,
  );
}

/**
 * What may change when a run is resumed: how long it trains and how fast it runs, never what it learns
 * or how it is tested. Every other field of TrainConfig must match the run's own. (The memory format
 * changes only the order of float32 additions, as the thread count does.)
 */
export const RESUME_MAY_CHANGE = [
  'epochs',
  'threads',
  'workers',
  'cacheImages',
  'latencyIterations',
  'memoryFormat',
] as const;

/** A configuration as versions before memoryFormat wrote it (run.json, search settings, queue jobs). */
export type LegacyTrainConfig = Omit<TrainConfig, 'memoryFormat'> & {
  memoryFormat?: MemoryFormatSetting;
  channelsLast?: boolean;
};

/**
 * The configuration with `channelsLast: boolean` (before memoryFormat) read as the format it ran in:
 * true → channels-last, false → nchw. Where both are present (an older search's settings spread over
 * today's defaults), channelsLast is what the run asked for.
 */
export function upgradeTrainConfig(config: LegacyTrainConfig): TrainConfig {
  const { channelsLast, ...rest } = config;
  if (channelsLast === undefined) return { ...rest, memoryFormat: rest.memoryFormat ?? 'nchw' };
  return { ...rest, memoryFormat: channelsLast ? 'channels-last' : 'nchw' };
}

export interface ConfigMismatch {
  field: keyof TrainConfig;
  run: unknown;
  asked: unknown;
}

/**
 * Every field outside RESUME_MAY_CHANGE on which the asked configuration differs from the run's saved
 * one. Fields an older run.json lacks take their default, which is what the older version used.
 */
export function resumeMismatches(saved: TrainConfig, asked: TrainConfig): ConfigMismatch[] {
  const run: Partial<TrainConfig> = {
    ...DEFAULT_TRAIN_CONFIG,
    ...saved,
    // A plan saved before a part existed ran with that part's default.
    memoryPlan: { ...DEFAULT_TRAIN_CONFIG.memoryPlan, ...saved.memoryPlan },
  };
  const fields = new Set([...Object.keys(run), ...Object.keys(asked)] as (keyof TrainConfig)[]);
  const mayChange: readonly string[] = RESUME_MAY_CHANGE;
  return [...fields]
    .filter((field) => !mayChange.includes(field))
    .filter((field) => JSON.stringify(run[field]) !== JSON.stringify(asked[field]))
    .map((field) => ({ field, run: run[field], asked: asked[field] }));
}
