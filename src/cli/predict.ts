// `pareto-edge predict RUN PATHS...`: classify image files, folders or globs with a trained run,
// preprocessing each image exactly as the run's training did.
import type { Command } from 'commander';
import path from 'node:path';
import { expandImagePaths } from '../data/index.js';
import { createProgress } from '../data/progress.js';
import { inferenceCopy, type InferenceCopy } from '../models/index.js';
import {
  chooseInferencePrecision,
  loadRunModel,
  predictImages,
  runMemoryFormat,
  type Prediction,
  type PrecisionSetting,
} from '../train/index.js';
import { integer, precisionSetting } from './parse.js';

interface PredictFlags {
  json?: boolean;
  top: number;
  batch: number;
  precision: PrecisionSetting;
}

export const INFERENCE_PRECISION_HELP =
  'what the forward pass computes in: fp32, bf16 (bfloat16 autocast; needs a CPU with bfloat16 instructions) or auto (bf16 where the CPU has them and a forward pass of the run measures faster; docs/precision.md)';

export function registerPredict(program: Command): void {
  program
    .command('predict <run> <paths...>')
    .description(
      "classify images (files, folders or globs) with a trained run, using the run's preprocessing",
    )
    .option('--top <k>', 'classes shown per image, most probable first', integer(), 3)
    .option('--batch <n>', 'images per batch', integer(), 32)
    .option('--precision <p>', INFERENCE_PRECISION_HELP, precisionSetting, 'fp32')
    .option('--json', 'print the predictions as JSON')
    .action(async (runDir: string, paths: string[], flags: PredictFlags) => {
      const result = await predictRun(path.resolve(runDir), paths, flags);
      if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else process.stdout.write(formatPredictions(result));
      for (const { path: file, reason } of result.skipped)
        process.stderr.write(`skipped unreadable image ${file}: ${reason}\n`);
    });
}

async function predictRun(runDir: string, args: string[], flags: PredictFlags) {
  const files = await expandImagePaths(args);
  const { record, model: trained } = await loadRunModel(runDir);
  // Classified as deployed: BatchNorm folded into the convolutions (the same logits within float32 rounding).
  let inference: InferenceCopy;
  try {
    inference = inferenceCopy(trained);
  } finally {
    trained.dispose();
  }
  const { model, foldedBatchNorms } = inference;
  const classes = record.data.classes;
  const memoryFormat = runMemoryFormat(record);
  let precision;
  try {
    precision = chooseInferencePrecision(flags.precision, {
      model: model.eval(),
      inputSize: record.config.inputSize,
      memoryFormat,
      batchSize: Math.min(flags.batch, Math.max(1, files.length)),
    });
  } catch (error) {
    model.dispose();
    throw error;
  }
  const progress = createProgress('predicting', {
    total: files.length,
    quiet: files.length < 2 * flags.batch,
  });
  try {
    const { predictions, skipped } = await predictImages(model, files, {
      inputSize: record.config.inputSize,
      memoryFormat,
      precision: precision.precision,
      batchSize: flags.batch,
      onProgress: (done) => progress.update(done),
    });
    const top = Math.min(flags.top, classes.length);
    return {
      run: runDir,
      model: record.model.name,
      foldedBatchNorms,
      memoryFormat,
      /** What the forward passes computed in, and how it was chosen. */
      precision,
      classes,
      images: predictions.map((p) => describe(p, classes, top)),
      skipped,
    };
  } finally {
    progress.stop();
    model.dispose();
  }
}

function describe(p: Prediction, classes: readonly string[], top: number) {
  const ranked = p.probabilities
    .map((probability, label) => ({ class: classes[label], probability }))
    .sort((a, b) => b.probability - a.probability);
  return {
    path: p.path,
    class: classes[p.label],
    probability: p.probabilities[p.label],
    top: ranked.slice(0, top),
    probabilities: Object.fromEntries(classes.map((name, i) => [name, p.probabilities[i]])),
  };
}

type PredictResult = Awaited<ReturnType<typeof predictRun>>;

function formatPredictions(r: PredictResult): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const shown = r.images.map((image) => path.relative(process.cwd(), image.path) || image.path);
  const width = Math.max(5, ...shown.map((s) => s.length));
  const classWidth = Math.max(5, ...r.classes.map((c) => c.length));
  const lines = [
    `${'image'.padEnd(width)}  ${'class'.padEnd(classWidth)}  ${'prob'.padStart(6)}  top`,
    ...r.images.map(
      (image, i) =>
        `${shown[i].padEnd(width)}  ${image.class.padEnd(classWidth)}  ${pct(image.probability).padStart(6)}  ` +
        image.top.map((t) => `${t.class} ${pct(t.probability)}`).join(', '),
    ),
    '',
    `${r.images.length} image(s) classified by ${r.model} in ${r.precision.precision}` +
      (r.skipped.length > 0 ? `, ${r.skipped.length} unreadable skipped (listed on stderr)` : ''),
    '',
  ];
  return lines.join('\n');
}
