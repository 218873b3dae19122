// `compare --config FILE`: an experiment spec written by hand as JSON, checked field by field so a
// typo ends in one line naming the file, the field and what it should hold, never in a TypeError.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { modelNames } from '../zoo/registry.js';
import { isModelFile } from '../zoo/model-file.js';
import { DATASET_REGISTRY, isSyntheticSpec } from '../data/index.js';
import { UserInputError } from '../util/errors.js';
import { maxThreads, maxThreadsReason } from '../util/threads.js';
import type { TrainConfig } from '../train/index.js';
import type { ExperimentSpec } from './plan.js';

const wholeNumber = z.number().int().min(1);
const count = z.number().int().min(0);
const threadCount = wholeNumber.max(maxThreads(), { error: `expected ${maxThreadsReason()}` });

const freeze = z.union([z.literal('none'), z.literal('backbone'), z.strictObject({ lastBlocks: count })], {
  error: 'expected "none", "backbone" or {"lastBlocks": N}',
});

/** Every training setting a spec may share across its runs; `satisfies` keeps it in step with TrainConfig. */
const trainSettings = z.strictObject({
  alpha: z.number().positive().optional(),
  dropBackground: z.boolean(),
  inputSize: wholeNumber,
  epochs: wholeNumber,
  batchSize: wholeNumber,
  threads: threadCount.nullable(),
  optimizer: z.enum(['adam', 'adamw', 'sgd']),
  learningRate: z.number().positive(),
  momentum: z.number().min(0),
  weightDecay: z.number().min(0),
  schedule: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('constant') }),
    z.strictObject({ kind: z.literal('step'), every: wholeNumber, factor: z.number().positive() }),
    z.strictObject({ kind: z.literal('cosine'), minLearningRate: z.number().min(0) }),
  ]),
  earlyStopping: z.strictObject({ metric: z.enum(['valAcc', 'valLoss']), patience: wholeNumber }).nullable(),
  seed: count,
  augment: z.union([z.boolean(), z.literal('flips')]),
  memoryFormat: z.enum(['auto', 'nchw', 'channels-last']),
  /** Deprecated: memoryFormat "channels-last" (true) or "nchw" (false), as spec files before it said. */
  channelsLast: z.boolean().optional(),
  cacheImages: z.boolean(),
  workers: threadCount.nullable(),
  keepHead: z.boolean(),
  freeze,
  latencyIterations: wholeNumber,
  recalibrateBatchNorm: z.boolean(),
  memoryPlan: z.strictObject({
    checkpoint: z.enum(['none', 'blocks']),
    microbatch: wholeNumber,
    optimizer: z.enum(['after-backward', 'in-backward']),
    moments: z.enum(['fp32', 'bf16']).default('fp32'),
  }),
  memoryBudgetBytes: wholeNumber.nullable(),
  allowBf16Moments: z.boolean(),
  precision: z.enum(['auto', 'fp32', 'bf16']),
}) satisfies z.ZodType<Omit<TrainConfig, 'model' | 'data' | 'initFrom'>>;

const modelName = z.string().refine((name) => modelNames().includes(name) || isModelFile(name), {
  error: (issue) =>
    `unknown model "${String(issue.input)}"; choose from ${modelNames().join(', ')} or give a description file's path`,
});

const specFile = z.strictObject({
  models: z.array(modelName).min(1),
  /** Dataset name (as shown in tables) → a folder, synthetic-pcb or caltech101. */
  datasets: z.record(z.string(), z.string().min(1)).refine((d) => Object.keys(d).length > 0, {
    error: 'expected at least one dataset, e.g. {"pcb": "data/pcb"}',
  }),
  settings: z
    .array(z.enum(['scratch', 'pretrained']))
    .min(1)
    .default(['scratch']),
  pretrainedFrom: z.string().nullable().default(null),
  pretrainedDataset: z.string().nullable().default(null),
  pretrainedFreeze: freeze.optional(),
  train: trainSettings.partial().default({}),
});

/** Reads and checks an experiment spec file; every problem is a UserInputError naming `file`. */
export async function readExperimentSpec(file: string): Promise<ExperimentSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserInputError(`--config ${file} cannot be read (${(error as Error).message}): check the path`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserInputError(`--config ${file} is not JSON (${(error as Error).message}): fix the syntax`);
  }
  const parsed = specFile.safeParse(json, {
    error: (issue) =>
      issue.code === 'invalid_type' && issue.input === undefined
        ? `missing, expected ${issue.expected}`
        : undefined,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${fieldPath(issue.path)}: ${issue.message}`);
    throw new UserInputError(`--config ${file} is not a valid experiment spec: ${problems.join('; ')}`);
  }
  // Paths in the file are relative to the file, as in tsconfig or docker-compose, so a spec kept
  // beside its data works from any working directory; they are stored absolute, so the runs'
  // run.json still find them when the experiment is resumed from elsewhere.
  const base = path.dirname(path.resolve(file));
  const fromFile = (p: string): string => path.resolve(base, p);
  const { channelsLast, ...train } = parsed.data.train;
  if (channelsLast !== undefined) train.memoryFormat = channelsLast ? 'channels-last' : 'nchw';
  const spec = { ...parsed.data, train };
  return {
    ...spec,
    models: spec.models.map((m) => (isModelFile(m) ? fromFile(m) : m)),
    datasets: Object.fromEntries(
      Object.entries(spec.datasets).map(([name, dir]) => [name, isDatasetName(dir) ? dir : fromFile(dir)]),
    ),
    pretrainedFrom: spec.pretrainedFrom === null ? null : fromFile(spec.pretrainedFrom),
  };
}

/** `synthetic-pcb[:…]` and the registry's names (caltech101) name a data set; anything else is a folder. */
function isDatasetName(reference: string): boolean {
  return isSyntheticSpec(reference) || Object.hasOwn(DATASET_REGISTRY, reference);
}

/** ['train', 'schedule', 'kind'] → "train.schedule.kind"; ['models', 1] → "models[1]". */
function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}
