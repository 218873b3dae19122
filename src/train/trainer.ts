// The training loop: epochs over the loader with per-epoch measurement, validation, checkpoints that a
// killed run resumes from, then test accuracy and inference latency. Writes the run directory.
import os from 'node:os';
import path from 'node:path';
import {
  Adam,
  AdamW,
  SGD,
  bf16Support,
  tidy,
  manualSeed,
  setNumThreads,
  engineInfo,
  emptyCache,
  memoryStats,
  type Optimizer,
} from '../engine/index.js';
import { saveWeights } from '../nn/index.js';
import { buildModel, type DescribedModel } from '../models/build.js';
import type { ModelDescription } from '../models/description.js';
import { inferenceCopy } from '../models/inference-copy.js';
import {
  augmentationOf,
  createLoaders,
  openDataset,
  isSyntheticSpec,
  skippedImages,
  type LoaderSet,
  type ImageDataset,
} from '../data/index.js';
import { EpochMeter, epochRecordFields, type EpochMeasurement, type EpochRecord } from '../measure/index.js';
import { learningRateAt, upgradeTrainConfig, type TrainConfig } from './config.js';
import { prepareRun, type PreparedRun } from './prepare.js';
import { RUN_FORMAT, isFinished, type RunRecord } from './run-dir.js';
import { saveCheckpoint, loadCheckpoint, checkpointExists, type Progress } from './checkpoint.js';
import { evaluate, type Evaluation } from './evaluate.js';
import { recalibrateBatchNorm, type Recalibration } from './recalibrate.js';
import { batchTensors } from './batch.js';
import { measureRunInference, type RunInferenceLatency } from './step.js';
import { planStep } from './blockwise-step.js';
import { momentDtypeOf, type MemoryChoice } from './memory-choice.js';
import type { MemoryPlan } from '../analysis/memory-plan.js';
import { initFromRun, applyFreeze } from './transfer.js';
import { batchLayout, type MemoryFormatChoice } from './memory-format.js';
import { chooseStepSettings, type StepChoice } from './step-settings-choice.js';
import type { PrecisionChoice } from './precision.js';
import type { RunIdentity, RunSummary } from './run-summary.js';

export interface BatchProgress {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
  imagesPerS: number;
  /** Peak bytes of live tensors so far in this epoch. */
  tensorBytes: number;
}

export interface TrainEvents {
  start?(info: {
    runDir: string;
    model: string;
    params: RunRecord['model']['params'];
    classes: string[];
    trainImages: number;
    epochsDone: number;
    epochs: number;
    batchesPerEpoch: number;
  }): void;
  batch?(progress: BatchProgress): void;
  epoch?(record: EpochRecord, measurement: EpochMeasurement): void;
  phase?(text: string): void;
  /** The memory plan the run uses and its prediction, before the first epoch. */
  memoryPlan?(choice: MemoryChoice): void;
  /** The memory format the run trains in and how it was chosen, before the first epoch. */
  memoryFormat?(choice: MemoryFormatChoice): void;
  /** The precision the run trains in and how it was chosen, before the first epoch. */
  precision?(choice: PrecisionChoice): void;
}

export interface TrainOptions {
  resume?: boolean;
  /** The run's name in an experiment (from its plan); by default derived from the data and --init-from. */
  identity?: RunIdentity;
  quiet?: boolean;
  events?: TrainEvents;
  /** Train this description instead of config.model's (a queue worker builds what it was sent). */
  description?: ModelDescription;
}

export interface TrainResult {
  runDir: string;
  summary: RunSummary;
  test: Evaluation | null;
}

/** A prepared run and the memory format and precision it trains in. */
type ReadyRun = PreparedRun & StepChoice;

/** `given` may be an older version's configuration (channelsLast instead of memoryFormat). */
export async function train(
  given: TrainConfig,
  outDir: string,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const config = upgradeTrainConfig(given);
  const prepared = await prepareRun(config, outDir, options);
  const threads = config.threads ?? os.availableParallelism();
  setNumThreads(threads);
  // A resumed auto run keeps the precision it trained in: the precision changes what is learned.
  const kept = config.precision === 'auto' ? prepared.existing?.precision : undefined;
  // Before seeding: measuring the candidates builds and steps a model, drawing random numbers.
  const chosen = chooseStepSettings(
    { memoryFormat: config.memoryFormat, precision: kept?.precision ?? config.precision },
    {
      description: prepared.description,
      batchSize: config.batchSize,
      threads,
      plan: prepared.memory.plan,
    },
  );
  const step: StepChoice = { memoryFormat: chosen.memoryFormat, precision: kept ?? chosen.precision };
  manualSeed(config.seed);
  const model = buildModel(prepared.description);
  let optimizer: Optimizer | null = null;
  try {
    if (prepared.initFrom) await initFromRun(model, config.initFrom!, { keepHead: config.keepHead });
    applyFreeze(model, config.freeze);
    optimizer = createOptimizer(config, model, prepared.memory.plan);
    return await runEpochs(config, { ...prepared, ...step }, model, optimizer, options);
  } finally {
    optimizer?.dispose();
    model.dispose();
    emptyCache();
  }
}

function createOptimizer(config: TrainConfig, model: DescribedModel, plan: MemoryPlan): Optimizer {
  const parameters = model.trainableParameters();
  const common = { learningRate: config.learningRate, weightDecay: config.weightDecay };
  if (config.optimizer === 'sgd') return new SGD(parameters, { ...common, momentum: config.momentum });
  const adam = { ...common, momentDtype: momentDtypeOf(plan), roundingSeed: config.seed };
  return config.optimizer === 'adamw' ? new AdamW(parameters, adam) : new Adam(parameters, adam);
}

async function runEpochs(
  config: TrainConfig,
  prepared: ReadyRun,
  model: DescribedModel,
  optimizer: Optimizer,
  options: TrainOptions,
): Promise<TrainResult> {
  const { runDir, description } = prepared;
  // Temporaries a killed session left (ours only, of dead processes), then claim the folder first.
  await runDir.removeStaleTemporaries();
  await runDir.mark();
  // The split is written into the run (or read back from it when resuming) so the run can be repeated.
  const dataset = await openDataset(prepared.dataDir, {
    dropBackground: config.dropBackground,
    splitFile: runDir.splitFile,
  });
  const counts = model.countParameters();
  const record: RunRecord = prepared.existing ?? {
    format: RUN_FORMAT,
    status: 'running',
    config,
    data: {
      spec: config.data,
      dir: prepared.dataDir,
      layout: dataset.layout,
      classes: dataset.classNames,
      splitFile: path.basename(runDir.splitFile),
      counts: {
        train: dataset.splits.train.length,
        val: dataset.splits.val.length,
        test: dataset.splits.test.length,
      },
    },
    model: {
      name: config.model,
      params: { total: counts.total, trainable: counts.trainable, nonTrainable: counts.nonTrainable },
    },
    machine: machineInfo(),
    startedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  };
  if (isFinished(record, config.epochs)) return { runDir: runDir.dir, summary: record.summary, test: null };
  // prepareRun let only settings that do not change what is learned differ: record what this session uses.
  record.config = config;
  record.identity = options.identity ?? record.identity ?? identityOf(config);
  record.status = 'running';
  record.memory = { ...prepared.memory.record, ...pickMeasured(record.memory) };
  record.memoryFormat = prepared.memoryFormat;
  record.precision = prepared.precision;
  await runDir.writeModel(description);
  await runDir.writeRecord(record);

  let progress: Progress = { epochsDone: 0, history: [], best: null, stopped: false };
  if (prepared.existing && (await checkpointExists(runDir.checkpoint))) {
    progress = await loadCheckpoint(runDir.checkpoint, model, optimizer);
  }
  // The checkpoint is the truth: a kill between its rename and history.csv's leaves the csv behind.
  if (prepared.existing) await runDir.writeHistory(progress.history);

  const loaders = await createLoaders(dataset, {
    batchSize: config.batchSize,
    inputSize: config.inputSize,
    layout: batchLayout(prepared.memoryFormat.format),
    augment: augmentationOf(config.augment),
    seed: config.seed,
    cache: config.cacheImages,
    ...(config.workers !== null ? { workers: config.workers } : {}),
  });
  const meter = new EpochMeter();
  try {
    return await trainAndTest(
      config,
      prepared,
      record,
      dataset,
      model,
      optimizer,
      loaders,
      meter,
      progress,
      options.events,
    );
  } finally {
    meter.close();
    await loaders.close();
  }
}

async function trainAndTest(
  config: TrainConfig,
  prepared: ReadyRun,
  record: RunRecord,
  dataset: ImageDataset,
  model: DescribedModel,
  optimizer: Optimizer,
  loaders: LoaderSet,
  meter: EpochMeter,
  initial: Progress,
  events: TrainEvents | undefined,
): Promise<TrainResult> {
  const { runDir } = prepared;
  const memoryFormat = prepared.memoryFormat.format;
  let progress = initial;
  const classes = dataset.classNames.length;
  events?.start?.({
    runDir: runDir.dir,
    model: config.model,
    params: record.model.params,
    classes: dataset.classNames,
    trainImages: dataset.splits.train.length,
    epochsDone: progress.epochsDone,
    epochs: config.epochs,
    batchesPerEpoch: loaders.train.batchesPerEpoch,
  });
  events?.memoryPlan?.(prepared.memory);
  events?.memoryFormat?.(prepared.memoryFormat);
  events?.precision?.(prepared.precision);

  for (let epoch = progress.epochsDone; epoch < config.epochs && !progress.stopped; epoch++) {
    optimizer.learningRate = learningRateAt(config, epoch);
    const { loss, accuracy, measurement } = await trainEpoch(
      config,
      prepared,
      model,
      optimizer,
      loaders,
      meter,
      epoch,
      events,
    );
    events?.phase?.('validating');
    const val = await evaluate(model, loaders.val, classes, { memoryFormat });
    const epochRecord: EpochRecord = {
      epoch: epoch + 1,
      loss,
      acc: accuracy,
      valLoss: val.loss,
      valAcc: val.accuracy,
      learningRate: optimizer.learningRate,
      ...epochRecordFields(measurement),
    };
    progress = updateProgress(progress, epochRecord, config);
    record.memory!.measuredPeakBytes = Math.max(
      record.memory!.measuredPeakBytes ?? 0,
      measurement.peakTensorBytes,
    );
    await saveCheckpoint(runDir.checkpoint, model, optimizer, progress);
    await runDir.writeHistory(progress.history);
    await runDir.writeRecord(record);
    events?.epoch?.(epochRecord, measurement);
  }

  let recalibration: Recalibration | null = null;
  // With re-estimated statistics the validation split is evaluated again: the last epoch's figure was
  // measured with the moving statistics, which after a few hundred steps are still near their initial
  // values (a short run's validation accuracy sits at chance while its test accuracy does not), and
  // whoever selects by validation accuracy (the search's rungs, early stopping's best) must see the
  // model that is tested and saved.
  let recalibratedVal: Evaluation | null = null;
  if (config.recalibrateBatchNorm) {
    events?.phase?.('re-estimating BatchNorm statistics');
    recalibration = await recalibrateBatchNorm(model, loaders.trainAsIs.epoch(0), { memoryFormat });
    if (dataset.splits.val.length > 0)
      recalibratedVal = await evaluate(model, loaders.val, classes, { memoryFormat });
  }
  events?.phase?.('testing');
  const test =
    dataset.splits.test.length > 0 ? await evaluate(model, loaders.test, classes, { memoryFormat }) : null;
  events?.phase?.('measuring inference latency');
  const folded = inferenceCopy(model).model;
  let inference: RunInferenceLatency;
  try {
    inference = measureRunInference({ training: model, folded }, config.inputSize, {
      memoryFormat,
      iterations: config.latencyIterations,
    });
  } finally {
    folded.dispose();
  }
  await saveWeights(model, runDir.weights, {
    model: config.model,
    classes: JSON.stringify(dataset.classNames),
  });
  const summary = {
    ...summarize(config, record.identity!, record, progress.history, test, inference, recalibratedVal),
    stoppedEarly: progress.stopped,
    batchNormRecalibration: recalibration,
    skippedImages: skippedImages(loaders, dataset.root),
  };
  record.status = 'finished';
  record.summary = summary;
  if (test) record.test = { perClassAccuracy: test.perClassAccuracy, confusion: test.confusion };
  await runDir.writeRecord(record);
  return { runDir: runDir.dir, summary, test };
}

async function trainEpoch(
  config: TrainConfig,
  { memory, memoryFormat, precision }: ReadyRun,
  model: DescribedModel,
  optimizer: Optimizer,
  loaders: LoaderSet,
  meter: EpochMeter,
  epoch: number,
  events: TrainEvents | undefined,
): Promise<{ loss: number; accuracy: number; measurement: EpochMeasurement }> {
  model.train();
  let lossSum = 0;
  let correct = 0;
  let images = 0;
  let batchIndex = 0;
  const batches = loaders.train.batchesPerEpoch;
  meter.start();
  const started = performance.now();
  for await (const batch of loaders.train.epoch(epoch)) {
    const step = tidy(() => {
      const { x, y } = batchTensors(batch, memoryFormat.format);
      return planStep(model, optimizer, x, y, memory.plan, precision.precision);
    });
    const n = batch.labels.length;
    lossSum += step.loss * n;
    correct += step.correct;
    images += n;
    meter.addImages(n);
    batchIndex++;
    events?.batch?.({
      epoch,
      batch: batchIndex,
      batches,
      loss: lossSum / images,
      accuracy: correct / images,
      imagesPerS: images / ((performance.now() - started) / 1000),
      tensorBytes: memoryStats().peakBytes,
    });
  }
  const measurement = meter.stop();
  if (images === 0) throw new Error('the training loader produced no images (every file unreadable?)');
  return { loss: lossSum / images, accuracy: correct / images, measurement };
}

/** A resumed run keeps the peak measured in its earlier sessions. */
function pickMeasured(memory: RunRecord['memory']): Partial<NonNullable<RunRecord['memory']>> {
  return memory?.measuredPeakBytes !== undefined ? { measuredPeakBytes: memory.measuredPeakBytes } : {};
}

function updateProgress(progress: Progress, record: EpochRecord, config: TrainConfig): Progress {
  const history = [...progress.history, record];
  let { best, stopped } = progress;
  const stopping = config.earlyStopping;
  if (stopping) {
    const value = stopping.metric === 'valAcc' ? record.valAcc : -record.valLoss;
    if (best === null || value > best.value) best = { value, epoch: record.epoch };
    else if (record.epoch - best.epoch >= stopping.patience) stopped = true;
  }
  return { epochsDone: record.epoch, history, best, stopped };
}

function summarize(
  config: TrainConfig,
  identity: RunIdentity,
  record: RunRecord,
  history: EpochRecord[],
  test: Evaluation | null,
  inference: RunInferenceLatency,
  recalibratedVal: Evaluation | null,
): RunSummary {
  const last = history[history.length - 1];
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return {
    ...identity,
    model: config.model,
    inputSize: config.inputSize,
    batchSize: config.batchSize,
    epochs: history.length,
    classes: record.data.classes,
    params: record.model.params,
    final: {
      trainAcc: last?.acc ?? NaN,
      valAcc: recalibratedVal?.accuracy ?? last?.valAcc ?? NaN,
      testAcc: test ? test.accuracy : null,
      testLoss: test ? test.loss : null,
    },
    memory: {
      peakTensorBytes: Math.max(...history.map((h) => h.peakTensorBytes)),
      peakRssBytes: Math.max(...history.map((h) => h.peakRssBytes)),
      meanRssBytes: mean(history.map((h) => h.meanRssBytes)),
      paperAvgMemBytes: mean(history.map((h) => h.paperMemBytes)),
    },
    time: { meanEpochS: mean(history.map((h) => h.timeS)), totalS: history.reduce((a, h) => a + h.timeS, 0) },
    inference,
    history,
  };
}

/** A stand-alone run's name: the data set's folder (or synthetic spec) and whether it starts from another run. */
function identityOf(config: TrainConfig): RunIdentity {
  const dataset = isSyntheticSpec(config.data) ? config.data : path.basename(path.resolve(config.data));
  const setting = config.initFrom ? 'pretrained' : 'scratch';
  return { id: `${dataset}/${setting}/${config.model}`, dataset, setting };
}

function machineInfo(): Record<string, unknown> {
  const info = engineInfo();
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    libtorch: info.libtorch.version,
    blas: info.blas.kind,
    cpuCapability: info.cpuCapability,
    bf16Instructions: bf16Support(),
    threads: info.threads,
  };
}
