// `pareto-edge train`: train one model on a data folder or the generated PCB set.
import { Option, type Command } from 'commander';
import path from 'node:path';
import { train, DEFAULT_TRAIN_CONFIG, parseFreeze, parseSchedule, type TrainConfig } from '../train/index.js';
import { UsageError } from './errors.js';
import { isModelFile } from '../zoo/model-file.js';
import { trainProgress } from './train-progress.js';
import {
  askedMemoryFormat,
  byteSize,
  channelsLastAlias,
  integer,
  memoryFormatSetting,
  memoryPlan,
  positiveNumber,
  precisionSetting,
  threadCount,
  threadsHelp,
} from './parse.js';
import type { PrecisionSetting } from '../train/precision.js';
import type { MemoryPlan } from '../analysis/index.js';
import type { MemoryFormatSetting } from '../train/memory-format.js';
import { formatRunSummary } from './run-format.js';

/** Shared with `compare`, which passes the flag on to every run. */
export const RECALIBRATE_BN_HELP =
  "after training, re-estimate BatchNorm's statistics from the training images before testing and saving";

interface TrainFlags {
  model: string;
  data: string;
  input: number;
  epochs: number;
  batch: number;
  threads?: number;
  out?: string;
  initFrom?: string;
  keepHead?: boolean;
  freeze: string;
  resume?: boolean;
  optimizer: string;
  lr: number;
  schedule: string;
  earlyStopping?: number;
  seed: number;
  augment: 'paper' | 'flips' | false;
  memoryFormat: MemoryFormatSetting;
  /** Deprecated alias of --memory-format channels-last. */
  channelsLast?: boolean;
  cache: boolean;
  workers?: number;
  dropBackground?: boolean;
  alpha?: number;
  recalibrateBn?: boolean;
  memoryPlan?: MemoryPlan;
  memoryBudget?: number;
  allowBf16Moments?: boolean;
  precision: PrecisionSetting;
  json?: boolean;
}

/** Shared with `bench` (and `compare`). */
export const MEMORY_PLAN_HELP =
  'how a step spends memory: checkpoint=none|blocks, microbatch=K (micro-batches per batch), optimizer=after-backward|in-backward, moments=fp32|bf16 (Adam moments in bfloat16: reduced precision), e.g. checkpoint=blocks,optimizer=in-backward (docs/memory.md)';
export const PRECISION_HELP =
  'what the training step computes in: fp32, bf16 (bfloat16 autocast, float32 weights; needs a CPU with bfloat16 instructions) or auto (bf16 where the CPU has them and a step of the model measures faster; docs/precision.md)';
export const MEMORY_FORMAT_HELP =
  'nchw, channels-last, or auto: the faster for the model on this CPU, measured in a few training steps before the first run of its kind and cached (docs/training.md)';
export const MEMORY_BUDGET_HELP =
  'pick the fastest memory plan whose predicted peak fits, e.g. 200MB: exact plans first, micro-batches only when none fits (refused, naming the smallest peak, when nothing fits)';
export const ALLOW_BF16_MOMENTS_HELP =
  "let --memory-budget choose plans keeping Adam's moments in bfloat16 (reduced-precision state: results change; docs/memory.md)";

export function registerTrain(program: Command): void {
  const d = DEFAULT_TRAIN_CONFIG;
  program
    .command('train')
    .description('train a model on the device, measuring time, memory and energy per epoch')
    .requiredOption('--model <name|file>', 'zoo model (see `pareto-edge models`) or a description JSON file')
    .requiredOption('--data <dir|synthetic-pcb>', 'image folder, caltech101, or the generated PCB set')
    .option('--input <n>', 'input side in pixels', integer(), d.inputSize)
    .option('--epochs <n>', 'epochs', integer(), d.epochs)
    .option('--batch <n>', 'batch size', integer(), d.batchSize)
    .option('--threads <n>', threadsHelp('intra-op threads', 'every core'), threadCount)
    .option('--out <dir>', 'run directory (default: runs/<model>-<data>)')
    .option('--init-from <run>', 'initialise the backbone from an earlier run (transfer learning)')
    .option('--keep-head', "also keep the earlier run's head (same classes only)")
    .option(
      '--freeze <what>',
      'none, backbone, or last:N (train only the last N blocks and the head)',
      'none',
    )
    .option('--resume', 'continue the run in --out where its last checkpoint left it')
    .option('--optimizer <name>', 'adam, adamw or sgd', d.optimizer)
    .option('--lr <rate>', 'learning rate', positiveNumber, d.learningRate)
    .option('--schedule <s>', 'constant, step:EVERY:FACTOR or cosine[:MIN_LR]', 'constant')
    .option(
      '--early-stopping <patience>',
      'stop when validation accuracy has not improved for this many epochs',
      integer(),
    )
    .option(
      '--seed <n>',
      'seed for initialisation, shuffling, augmentation and dropout',
      integer({ min: 0 }),
      d.seed,
    )
    .addOption(
      new Option(
        '--augment <kind>',
        "the training images' augmentation: the paper's (rotation, translation, flips, contrast) or random flips only (sharp: no interpolation)",
      )
        .choices(['paper', 'flips'])
        .default('paper'),
    )
    .option('--no-augment', 'train without augmentation')
    .option('--memory-format <f>', MEMORY_FORMAT_HELP, memoryFormatSetting, d.memoryFormat)
    .addOption(channelsLastAlias())
    .option('--no-cache', 'decode JPEGs every epoch instead of caching resized images on disk')
    .option('--workers <n>', threadsHelp('data loader threads', 'one per core'), threadCount)
    .option('--drop-background', "leave out Caltech-101's BACKGROUND_Google class")
    .option('--alpha <a>', 'MobileNetV2 width multiplier', positiveNumber)
    .option('--recalibrate-bn', RECALIBRATE_BN_HELP)
    .option('--memory-plan <plan>', MEMORY_PLAN_HELP, memoryPlan)
    .option('--memory-budget <size>', MEMORY_BUDGET_HELP, byteSize)
    .option('--allow-bf16-moments', ALLOW_BF16_MOMENTS_HELP)
    .option('--precision <p>', PRECISION_HELP, precisionSetting, d.precision)
    .option('--json', 'print the run summary as JSON on stdout')
    .action(async (flags: TrainFlags) => {
      const config = toConfig(flags);
      const modelName = isModelFile(flags.model) ? path.basename(flags.model, '.json') : flags.model;
      const out = flags.out ?? path.join('runs', `${modelName}-${path.basename(flags.data)}`);
      const result = await train(config, out, {
        resume: flags.resume,
        quiet: flags.json,
        events: trainProgress(),
      });
      if (flags.json) process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
      else process.stdout.write(formatRunSummary(result.summary, result.runDir));
    });
}

function toConfig(flags: TrainFlags): TrainConfig {
  if (!['adam', 'adamw', 'sgd'].includes(flags.optimizer)) {
    throw new UsageError(`--optimizer must be adam, adamw or sgd, got "${flags.optimizer}"`);
  }
  if (flags.memoryPlan && flags.memoryBudget !== undefined) {
    throw new UsageError(
      '--memory-plan and --memory-budget both choose the memory plan: give the plan, or the budget to choose it',
    );
  }
  if (flags.keepHead && !flags.initFrom) {
    throw new UsageError(
      '--keep-head keeps the head of the --init-from run, but no --init-from was given: add --init-from RUN or drop --keep-head',
    );
  }
  return {
    ...DEFAULT_TRAIN_CONFIG,
    // A description file is kept by its absolute path, so a resume from elsewhere finds it.
    model: isModelFile(flags.model) ? path.resolve(flags.model) : flags.model,
    ...(flags.alpha !== undefined ? { alpha: flags.alpha } : {}),
    data: flags.data,
    dropBackground: flags.dropBackground ?? false,
    inputSize: flags.input,
    epochs: flags.epochs,
    batchSize: flags.batch,
    threads: flags.threads ?? null,
    optimizer: flags.optimizer as TrainConfig['optimizer'],
    learningRate: flags.lr,
    schedule: parseSchedule(flags.schedule),
    earlyStopping:
      flags.earlyStopping !== undefined ? { metric: 'valAcc', patience: flags.earlyStopping } : null,
    seed: flags.seed,
    augment: flags.augment === 'paper' ? true : flags.augment,
    memoryFormat: askedMemoryFormat(flags) ?? DEFAULT_TRAIN_CONFIG.memoryFormat,
    cacheImages: flags.cache,
    workers: flags.workers ?? null,
    initFrom: flags.initFrom ? path.resolve(flags.initFrom) : null,
    keepHead: flags.keepHead ?? false,
    freeze: parseFreeze(flags.freeze),
    recalibrateBatchNorm: flags.recalibrateBn ?? false,
    memoryPlan: flags.memoryPlan ?? DEFAULT_TRAIN_CONFIG.memoryPlan,
    memoryBudgetBytes: flags.memoryBudget ?? null,
    allowBf16Moments: flags.allowBf16Moments ?? false,
    precision: flags.precision,
  };
}
