// Everything a run needs, checked before anything is written: the model, the data, the --init-from
// run and the run directory. Bad input fails here with a UserInputError (a TrainInputError, or the
// model's or the data's own) and touches no file.
import { describeModel } from '../zoo/registry.js';
import type { ModelDescription } from '../models/description.js';
import { resolveDataDir, openDataset, type ImageDataset } from '../data/index.js';
import type { TrainConfig } from './config.js';
import { resumeMismatches, RESUME_MAY_CHANGE } from './config.js';
import { RunDir, readFinishedRun, type RunRecord } from './run-dir.js';
import { TrainInputError } from './errors.js';
import { requireWritableDirectory } from '../util/output-dir.js';
import { chooseMemoryPlan, type MemoryChoice } from './memory-choice.js';
import { precisionCandidates } from './precision.js';

export interface PreparedRun {
  description: ModelDescription;
  dataDir: string;
  dataset: ImageDataset;
  runDir: RunDir;
  existing: RunRecord | null;
  initFrom: RunRecord | null;
  memory: MemoryChoice;
}

export interface PrepareOptions {
  resume?: boolean;
  quiet?: boolean;
  /** The model to train instead of config.model's zoo description (what a queue worker was sent). */
  description?: ModelDescription;
}

export async function prepareRun(
  config: TrainConfig,
  outDir: string,
  { resume = false, quiet = false, description: given }: PrepareOptions = {},
): Promise<PreparedRun> {
  precisionCandidates(config.precision); // refuses bf16 on a CPU without bfloat16 instructions
  const dataset = await openData(config, quiet);
  const description = given
    ? checkGivenDescription(given, config, dataset)
    : describe(config, dataset.classNames.length);
  const memory = chooseMemoryPlan(config, description);
  const initFrom = config.initFrom ? await checkInitFrom(config, dataset) : null;
  const runDir = new RunDir(outDir);
  await requireWritableDirectory(outDir, '--out');
  const existing = await checkRunDir(runDir, config, resume);
  return { description, dataDir: dataset.root, dataset, runDir, existing, initFrom, memory };
}

function describe(config: TrainConfig, classes: number): ModelDescription {
  return describeModel(config.model, {
    numClasses: classes,
    inputSize: config.inputSize,
    // The loader already maps pixels to [-1, 1] (the paper's Rescaling after augmentation).
    includePreprocessing: false,
    ...(config.alpha !== undefined ? { alpha: config.alpha } : {}),
  });
}

/** The model a run of `config` trains, as train() builds it (the data is opened for its classes). */
export async function describeRun(config: TrainConfig, { quiet = true } = {}): Promise<ModelDescription> {
  const dataset = await openData(config, quiet);
  return describe(config, dataset.classNames.length);
}

function checkGivenDescription(
  description: ModelDescription,
  config: TrainConfig,
  dataset: ImageDataset,
): ModelDescription {
  const classes = dataset.classNames.length;
  const { height, width } = description.input;
  if (description.numClasses !== classes || height !== config.inputSize || width !== config.inputSize) {
    throw new TrainInputError(
      `the model ${description.name} was described for ${description.numClasses} classes at ${height}×${width}, ` +
        `but ${dataset.root} has ${classes} classes and the run's input is ${config.inputSize}; ` +
        'the data on this machine differs from the data the model was described for: point both at the same data',
    );
  }
  return description;
}

async function openData(config: TrainConfig, quiet: boolean): Promise<ImageDataset> {
  const dir = await resolveDataDir(config.data, { quiet });
  const dataset = await openDataset(dir, { dropBackground: config.dropBackground });
  if (dataset.splits.train.length === 0) throw new TrainInputError(`${dir} has no training images`);
  if (dataset.classNames.length < 2) {
    throw new TrainInputError(
      `${dir} has ${dataset.classNames.length} class; training needs at least two class folders`,
    );
  }
  return dataset;
}

async function checkInitFrom(config: TrainConfig, dataset: ImageDataset): Promise<RunRecord> {
  const source = await readFinishedRun(config.initFrom!, '--init-from');
  if (source.config.model !== config.model) {
    throw new TrainInputError(
      `--init-from ${config.initFrom} trained ${source.config.model}, not ${config.model}; pass --model ${source.config.model} or another run`,
    );
  }
  if (config.keepHead && JSON.stringify(source.data.classes) !== JSON.stringify(dataset.classNames)) {
    throw new TrainInputError(
      `--keep-head needs the same classes, but --init-from ${config.initFrom} has [${source.data.classes.join(', ')}] and the data has [${dataset.classNames.join(', ')}]; drop --keep-head to train a new head`,
    );
  }
  return source;
}

async function checkRunDir(runDir: RunDir, config: TrainConfig, resume: boolean): Promise<RunRecord | null> {
  const existing = await runDir.read();
  if (existing === null) {
    const entries = await runDir.entries();
    if (entries === null || entries.length === 0) return null;
    if (!RunDir.isMarked(entries)) {
      throw new TrainInputError(
        `${runDir.dir} is not empty and holds no pareto-edge run; choose another --out`,
      );
    }
    // A run of ours stopped before it wrote run.json: --resume starts it again in place.
    if (resume) return null;
    throw new TrainInputError(
      `${runDir.dir} holds a pareto-edge run that was stopped before its first record; pass --resume to complete it or choose another --out`,
    );
  }
  if (!resume) {
    throw new TrainInputError(
      `${runDir.dir} already holds a run (${existing.config.model} on ${existing.config.data}, ${existing.status}); pass --resume to continue it or choose another --out`,
    );
  }
  const mismatches = resumeMismatches(existing.config, config);
  if (mismatches.length > 0) {
    const differences = mismatches
      .map(
        (m) =>
          `${m.field}: the run has ${JSON.stringify(m.run)}, this command asks ${JSON.stringify(m.asked)}`,
      )
      .join('; ');
    throw new TrainInputError(
      `--resume: ${runDir.dir} was trained with other settings (${differences}); resume with the run's own ` +
        `settings (see its run.json) or choose another --out for a new run. Only ${RESUME_MAY_CHANGE.join(', ')} may change on resume`,
    );
  }
  return existing;
}
