// What a checkpoint must hold before a run resumes from it. Its metadata and tensors were trusted:
// `optimizer_step: "abc"` resumed with NaN weights, `epochsDone: 99` marked a run finished after one
// epoch, and a reshaped optimizer buffer failed mid-epoch. Now every field is checked against a schema
// and every tensor against the model and optimizer it is loaded into, before anything is loaded.
import { z } from 'zod';
import type { Optimizer, Tensor } from '../engine/index.js';
import type { Module } from '../nn/index.js';
import { TrainInputError } from './errors.js';

/** A number the run measured; JSON writes NaN (a diverged loss) as null. */
const measured = z.number().nullable();
const bytes = z.number().min(0);

const epochRecord = z.object({
  epoch: z.number().int().min(1),
  loss: measured,
  acc: measured,
  valLoss: measured,
  valAcc: measured,
  learningRate: z.number().min(0),
  timeS: z.number().min(0),
  imagesPerS: z.number().min(0).nullable(),
  peakTensorBytes: bytes,
  peakRssBytes: bytes,
  meanRssBytes: bytes,
  paperMemBytes: bytes,
  cpuUtilization: z.number().min(0).nullable(),
  energyJ: z.number().nullable(),
});

const progressSchema = z
  .strictObject({
    epochsDone: z.number().int().min(0),
    history: z.array(epochRecord),
    best: z.strictObject({ value: z.number(), epoch: z.number().int().min(1) }).nullable(),
    stopped: z.boolean(),
  })
  .superRefine((progress, context) => {
    if (progress.history.length !== progress.epochsDone) {
      context.addIssue({
        code: 'custom',
        path: ['epochsDone'],
        message: `says ${progress.epochsDone} epochs are done but the history holds ${progress.history.length}`,
      });
    }
    progress.history.forEach((record, i) => {
      if (record.epoch !== i + 1)
        context.addIssue({
          code: 'custom',
          path: ['history', i, 'epoch'],
          message: `is ${record.epoch}, not ${i + 1}`,
        });
    });
    if (progress.best !== null && progress.best.epoch > progress.epochsDone) {
      context.addIssue({ code: 'custom', path: ['best', 'epoch'], message: 'is after the last epoch done' });
    }
  });

const metadataSchema = z.object({
  progress: z.string(),
  optimizer_step: z
    .string()
    .regex(/^(0|[1-9]\d*)$/, 'must be a whole number of steps')
    .refine((text) => Number.isSafeInteger(Number(text)), 'is too large to be a step count'),
});

/** A checkpoint that cannot be resumed from; the message names the file, the field and the fix. */
function unusable(file: string, field: string, problem: string): TrainInputError {
  return new TrainInputError(
    `${file} cannot be resumed from: ${field} ${problem}. The file is corrupt or from another run: delete it to train this run again from its first epoch`,
  );
}

function firstIssue(file: string, prefix: string, error: z.ZodError): TrainInputError {
  const issue = error.issues[0];
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  return unusable(file, field, issue.message);
}

export interface CheckedCheckpoint {
  /** The run's progress as saved (numbers a diverged run measured as NaN are null). */
  progress: z.infer<typeof progressSchema>;
  optimizerStep: number;
  model: Record<string, Tensor>;
  optimizerBuffers: Record<string, Tensor>;
  rng: Tensor;
}

/**
 * Checks a loaded checkpoint against the model and optimizer it will be loaded into: progress and
 * optimizer step by schema, model tensors by name, shape and dtype, optimizer buffers against their
 * parameters (shape) and the optimizer (dtype: bfloat16 moments), and the generator state's size.
 */
export function checkCheckpoint(
  file: string,
  tensors: Record<string, Tensor>,
  metadata: Record<string, string>,
  target: { model: Module; optimizer: Optimizer; rngState: Tensor },
  prefixes: { model: string; optimizer: string; rng: string },
): CheckedCheckpoint {
  const meta = metadataSchema.safeParse(metadata);
  if (!meta.success) throw firstIssue(file, '__metadata__', meta.error);
  let progressJson: unknown;
  try {
    progressJson = JSON.parse(meta.data.progress);
  } catch {
    throw unusable(file, '__metadata__.progress', 'is not JSON');
  }
  const progress = progressSchema.safeParse(progressJson);
  if (!progress.success) throw firstIssue(file, 'progress', progress.error);

  const model = new Map<string, Tensor>();
  const optimizerBuffers = new Map<string, Tensor>();
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith(prefixes.model)) model.set(name.slice(prefixes.model.length), t);
    else if (name.startsWith(prefixes.optimizer))
      optimizerBuffers.set(name.slice(prefixes.optimizer.length), t);
    else if (name !== prefixes.rng)
      throw unusable(file, `tensor "${name}"`, 'belongs to no model, optimizer or generator');
  }
  const expected = new Map(Object.entries(target.model.stateDict()));
  for (const [name, own] of expected) {
    const saved = model.get(name);
    if (saved === undefined) throw unusable(file, `tensor "${prefixes.model}${name}"`, 'is missing');
    sameLayout(file, prefixes.model + name, saved, own);
  }
  for (const name of model.keys()) {
    if (!expected.has(name))
      throw unusable(file, `tensor "${prefixes.model}${name}"`, 'is not in this model');
  }
  const parameters = new Map(target.optimizer.parameters);
  for (const [key, buffer] of optimizerBuffers) {
    const slash = key.indexOf('/');
    const [kind, parameter] = [key.slice(0, slash), key.slice(slash + 1)];
    const field = `tensor "${prefixes.optimizer}${key}"`;
    if (slash < 0 || !target.optimizer.stateKinds.includes(kind))
      throw unusable(
        file,
        field,
        `is not a state of this optimizer (it keeps ${target.optimizer.stateKinds.join(', ')})`,
      );
    const own = parameters.get(parameter);
    if (own === undefined) throw unusable(file, field, 'belongs to no trainable parameter of this model');
    sameLayout(file, prefixes.optimizer + key, buffer, {
      shape: own.shape,
      dtype: target.optimizer.stateDtype(kind, own),
    });
    const problem = target.optimizer.stateProblem(kind, buffer);
    if (problem !== null) throw unusable(file, field, problem);
  }
  const rng = tensors[prefixes.rng] as Tensor | undefined;
  if (rng === undefined || !Object.hasOwn(tensors, prefixes.rng))
    throw unusable(file, `tensor "${prefixes.rng}"`, 'is missing');
  sameLayout(file, prefixes.rng, rng, target.rngState);
  return {
    progress: progress.data,
    optimizerStep: Number(meta.data.optimizer_step),
    model: Object.fromEntries(model),
    optimizerBuffers: Object.fromEntries(optimizerBuffers),
    rng,
  };
}

function sameLayout(file: string, name: string, saved: Tensor, own: Pick<Tensor, 'shape' | 'dtype'>): void {
  const same = saved.shape.length === own.shape.length && saved.shape.every((d, i) => d === own.shape[i]);
  if (!same || saved.dtype !== own.dtype) {
    throw unusable(
      file,
      `tensor "${name}"`,
      `is ${saved.dtype} [${saved.shape.join(', ')}] but this run needs ${own.dtype} [${own.shape.join(', ')}]`,
    );
  }
}
