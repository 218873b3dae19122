// `pareto-edge eval RUN_DIR`: accuracy, per-class accuracy, confusion matrix and latency of a trained run.
import type { Command } from 'commander';
import path from 'node:path';
import {
  createLoaders,
  matchClasses,
  openDataset,
  resolveDataDir,
  SPLIT_NAMES,
  type DataLoader,
  type ImageDataset,
  type Sample,
  type SplitName,
} from '../data/index.js';
import { compareLatency, compareOnOnnx, openOnnxSession, readOnnxFile } from '../export/index.js';
import { inferenceCopy, type DescribedModel } from '../models/index.js';
import type { LatencyStats } from '../measure/index.js';
import type { Module } from '../nn/index.js';
import {
  applyFreeze,
  chooseInferencePrecision,
  describePrecision,
  evaluate,
  runMemoryFormat,
  type PrecisionSetting,
  type RunRecord,
} from '../train/index.js';
import { batchLayout } from '../train/memory-format.js';
import { loadRunModel } from '../train/load-run.js';
import { measureRunInference } from '../train/step.js';
import { recalibrateBatchNorm, type Recalibration } from '../train/recalibrate.js';
import { UsageError } from './errors.js';
import { precisionSetting, threadCount } from './parse.js';
import { INFERENCE_PRECISION_HELP } from './predict.js';

interface EvalFlags {
  data?: string;
  split?: string;
  json?: boolean;
  recalibrateBn?: boolean;
  onnx?: string;
  threads: number;
  precision: PrecisionSetting;
}

export function registerEval(program: Command): void {
  program
    .command('eval <run>')
    .description('evaluate a trained run: accuracy, per-class accuracy, confusion matrix, inference latency')
    .option('--data <dir|synthetic-pcb>', "data to evaluate on (default: the run's own data and split)")
    .option(
      '--split <name>',
      "train, val or test (default: test of the run's own data; all the images of other data, or its test/ folder)",
    )
    .option(
      '--recalibrate-bn',
      "re-estimate BatchNorm's statistics from the training split before evaluating (the run's files are unchanged)",
    )
    .option(
      '--onnx <file>',
      "also evaluate this ONNX export of the run in ONNX Runtime: accuracy, agreement and latency beside the run's own forward pass",
    )
    .option('--threads <n>', 'threads of both, for the --onnx latency comparison', threadCount, 2)
    .option(
      '--precision <p>',
      `${INFERENCE_PRECISION_HELP}; the latency is measured in it`,
      precisionSetting,
      'fp32',
    )
    .option('--json', 'print the result as JSON')
    .action(async (runDir: string, flags: EvalFlags) => {
      if (flags.split !== undefined && !['train', 'val', 'test'].includes(flags.split))
        throw new UsageError(`--split must be train, val or test, got "${flags.split}"`);
      const result = await evaluateRun(path.resolve(runDir), flags);
      if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else process.stdout.write(formatEvaluation(result));
    });
}

/**
 * Which images to evaluate: the named split; by default the run's own test split, and on other data
 * every image (someone else's labelled folder is a test set as a whole) unless it has a test/ folder.
 */
function chooseImages(
  dataset: ImageDataset,
  flags: EvalFlags,
): { split: SplitName | 'all'; samples: Sample[] } {
  if (flags.split !== undefined)
    return { split: flags.split as SplitName, samples: dataset.splits[flags.split as SplitName] };
  if (flags.data === undefined || (dataset.layout === 'pre-split' && dataset.splits.test.length > 0))
    return { split: 'test', samples: dataset.splits.test };
  return { split: 'all', samples: SPLIT_NAMES.flatMap((name) => dataset.splits[name]) };
}

async function evaluateRun(runDir: string, flags: EvalFlags) {
  const { record, model } = await loadRunModel(runDir);
  const config = record.config;
  const memoryFormat = runMemoryFormat(record);
  const ownData = flags.data === undefined;
  let dataset: ImageDataset;
  try {
    const dir = ownData ? record.data.dir : await resolveDataDir(flags.data!, { quiet: true });
    // On the run's own data, reuse its split file so "test" means the images it never trained on.
    const opened = await openDataset(dir, {
      dropBackground: config.dropBackground,
      ...(ownData ? { splitFile: path.join(runDir, record.data.splitFile) } : {}),
    });
    dataset = matchClasses(opened, record.data.classes);
  } catch (error) {
    model.dispose();
    throw error;
  }
  const { split, samples } = chooseImages(dataset, flags);
  // The chosen images are evaluated as the test loader (unshuffled, unaugmented).
  const loaders = await createLoaders(
    { ...dataset, splits: { ...dataset.splits, test: samples } },
    {
      batchSize: config.batchSize,
      inputSize: config.inputSize,
      layout: batchLayout(memoryFormat),
      augment: false,
    },
  );
  let folded: DescribedModel | null = null;
  try {
    let recalibration: Recalibration | null = null;
    if (flags.recalibrateBn) {
      if (loaders.trainAsIs.samples.length === 0)
        throw new UsageError(`--recalibrate-bn needs training images, and ${dataset.root} has none`);
      // The layers the run froze keep their statistics, as when the trainer re-estimates them.
      applyFreeze(model, config.freeze);
      recalibration = await recalibrateBatchNorm(model, loaders.trainAsIs.epoch(0), { memoryFormat });
    }
    // Evaluated as deployed: BatchNorm folded into the convolutions (the same logits within float32
    // rounding, one pass over each activation fewer).
    const inference = inferenceCopy(model);
    folded = inference.model;
    const precision = chooseInferencePrecision(flags.precision, {
      model: folded.eval(),
      inputSize: config.inputSize,
      memoryFormat,
      batchSize: config.batchSize,
    });
    const evaluation = await evaluate(folded, loaders.test, dataset.classNames.length, {
      memoryFormat,
      precision: precision.precision,
    });
    const onnx = flags.onnx
      ? await evaluateOnnx(
          path.resolve(flags.onnx),
          record,
          { training: model, folded },
          loaders.test,
          flags.threads,
        )
      : null;
    return {
      run: runDir,
      model: record.model.name,
      data: dataset.root,
      split,
      /** The run's own, as it trained (older runs: their channelsLast). */
      memoryFormat,
      /** What the forward passes (evaluated and timed) computed in, and how it was chosen. */
      precision,
      recalibration,
      foldedBatchNorms: inference.foldedBatchNorms,
      images: evaluation.images,
      accuracy: evaluation.accuracy,
      loss: evaluation.loss,
      classes: dataset.classNames,
      perClassAccuracy: Object.fromEntries(
        dataset.classNames.map((name, i) => [name, evaluation.perClassAccuracy[i]]),
      ),
      confusion: evaluation.confusion,
      latency: measureRunInference({ training: model, folded }, config.inputSize, {
        memoryFormat,
        precision: precision.precision,
      }),
      onnx,
    };
  } finally {
    await loaders.close();
    folded?.dispose();
    model.dispose();
  }
}

/**
 * The ONNX file checked against the run, then evaluated on the same images as the folded model (the
 * forward eval reports) and timed beside both the training graph and the folded model.
 */
async function evaluateOnnx(
  file: string,
  record: RunRecord,
  models: { training: Module; folded: Module },
  loader: DataLoader,
  threads: number,
) {
  const info = await readOnnxFile(file);
  const { inputSize } = record.config;
  const memoryFormat = runMemoryFormat(record);
  if (info.classes !== null && JSON.stringify(info.classes) !== JSON.stringify(record.data.classes))
    throw new UsageError(
      `${file} classifies [${info.classes.join(', ')}], the run [${record.data.classes.join(', ')}]: pass an export of this run`,
    );
  if (info.inputShape.join() !== [3, inputSize, inputSize].join())
    throw new UsageError(
      `${file} takes [${info.inputShape.join(', ')}] images, the run ${inputSize}x${inputSize}: pass an export of this run`,
    );
  const session = await openOnnxSession(info.bytes, { threads });
  try {
    const comparison = await compareOnOnnx(session, models.folded, loader, record.data.classes.length, {
      memoryFormat,
    });
    const latency = await compareLatency(session, models.training, inputSize, {
      threads,
      memoryFormat,
      folded: models.folded,
    });
    return {
      file,
      quantization: info.metadata.quantization ?? 'none (fp32)',
      images: comparison.onnx.images,
      accuracy: comparison.onnx.accuracy,
      loss: comparison.onnx.loss,
      referenceAccuracy: comparison.reference.accuracy,
      /** Percentage points lost against the run's own forward pass (negative: gained). */
      accuracyDropPoints: (comparison.reference.accuracy - comparison.onnx.accuracy) * 100,
      agreement: comparison.agreement,
      maxLogitDelta: comparison.maxLogitDelta,
      perClassAccuracy: Object.fromEntries(
        record.data.classes.map((name, i) => [name, comparison.onnx.perClassAccuracy[i]]),
      ),
      confusion: comparison.onnx.confusion,
      latency,
    };
  } finally {
    await session.release();
  }
}

type EvalResult = Awaited<ReturnType<typeof evaluateRun>>;

function formatEvaluation(r: EvalResult): string {
  const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : 'n/a');
  const width = Math.max(...r.classes.map((c) => c.length), 5);
  const lines = [
    `${r.model} on ${r.split === 'all' ? `all ${r.images} images of ${r.data}` : `the ${r.split} split (${r.images} images)`}: accuracy ${pct(r.accuracy)}, loss ${r.loss.toFixed(4)}`,
    `precision: ${describePrecision(r.precision, 'forward pass')}`,
    ...(r.recalibration
      ? [
          `BatchNorm statistics re-estimated from ${r.recalibration.images} training images (${r.recalibration.layers} layers)`,
        ]
      : []),
    '',
    'per class:',
    ...r.classes.map((c) => `  ${c.padEnd(width)}  ${pct(r.perClassAccuracy[c])}`),
  ];
  if (r.classes.length <= 12) {
    lines.push(
      '',
      `confusion (rows: true, columns: predicted):`,
      `  ${''.padEnd(width)}  ${r.classes.map((c) => c.slice(0, 6).padStart(6)).join(' ')}`,
    );
    r.confusion.forEach((row, i) =>
      lines.push(`  ${r.classes[i].padEnd(width)}  ${row.map((v) => String(v).padStart(6)).join(' ')}`),
    );
  }
  if (r.onnx) {
    const o = r.onnx;
    const l = o.latency;
    const ms = (x: { median: number }) => `${x.median.toFixed(2)} ms`;
    const versus = (own: typeof l.reference, speedup: typeof l.speedup) =>
      `batch 1: ${ms(l.onnx.batch1)} vs ${ms(own.batch1)} (${speedup.batch1.toFixed(2)}x); ` +
      `batch 16: ${ms(l.onnx.batch16)} vs ${ms(own.batch16)} (${speedup.batch16.toFixed(2)}x)`;
    lines.push(
      '',
      `ONNX ${o.file} (${o.quantization}) in ONNX Runtime on the same ${o.images} images:`,
      `  accuracy ${pct(o.accuracy)} vs ${pct(o.referenceAccuracy)} (${o.accuracyDropPoints.toFixed(2)} points lost), ` +
        `top-1 agreement ${pct(o.agreement)}, max |Δlogit| ${o.maxLogitDelta.toExponential(2)}`,
      `  latency at ${l.threads} thread${l.threads === 1 ? '' : 's'}, ${versus(l.reference, l.speedup)} (training graph)`,
      ...(l.folded && l.foldedSpeedup
        ? [`  and against BatchNorm folded, ${versus(l.folded, l.foldedSpeedup)}`]
        : []),
    );
  }
  const latency = (x: { batchMs: LatencyStats; imageMs: LatencyStats }) =>
    `${x.batchMs.median.toFixed(1)} ms per batch of 16 (p95 ${x.batchMs.p95.toFixed(1)}), ${x.imageMs.median.toFixed(1)} ms per image (p95 ${x.imageMs.p95.toFixed(1)})`;
  lines.push(
    '',
    `latency: ${latency(r.latency)} (training graph)`,
    `         ${latency(r.latency.folded)} with BatchNorm folded into the convolutions (${r.foldedBatchNorms} BatchNorms), as evaluated`,
    '',
  );
  return lines.join('\n');
}
