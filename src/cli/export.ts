// `pareto-edge export RUN --format onnx --out model.onnx [--int8 ...]`: a trained run as an ONNX file,
// written atomically (a failed or interrupted export leaves no file).
import type { Command } from 'commander';
import path from 'node:path';
import { createLoaders, openDataset } from '../data/index.js';
import {
  calibrate,
  CALIBRATION_METHODS,
  compareOnOnnx,
  encodeOnnx,
  ExportError,
  modelToOnnx,
  openOnnxSession,
  quantizeModel,
  type CalibrationMethod,
  type OnnxModel,
} from '../export/index.js';
import type { DescribedModel } from '../models/index.js';
import { loadRunModel, type RunRecord } from '../train/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { packageVersion } from './version.js';
import { UsageError } from './errors.js';
import { integer, nonNegativeNumber } from './parse.js';

interface ExportFlags {
  format: string;
  out: string;
  int8?: boolean;
  calibration: number;
  calibrationMethod: string;
  maxAccuracyDrop: number;
  json?: boolean;
}

export function registerExport(program: Command): void {
  program
    .command('export <run>')
    .description('write a trained run as an ONNX model (opset 13, dynamic batch, classes in its metadata)')
    .option('--format <format>', 'onnx (the only format)', 'onnx')
    .requiredOption('--out <file>', 'the .onnx file to write')
    .option(
      '--int8',
      'static int8 quantization (QDQ: per-channel int8 weights, per-tensor uint8 activations)',
    )
    .option('--calibration <n>', 'training images that calibrate the int8 activation ranges', integer(), 200)
    .option('--calibration-method <m>', 'minmax or percentile (99.99%)', 'minmax')
    .option(
      '--max-accuracy-drop <points>',
      'refuse to write an int8 model losing more validation accuracy than this, in percentage points',
      nonNegativeNumber,
      1,
    )
    .option('--json', 'print what was written as JSON')
    .action(async (runDir: string, flags: ExportFlags) => {
      if (flags.format !== 'onnx') throw new UsageError(`--format must be onnx, got "${flags.format}"`);
      if (!CALIBRATION_METHODS.includes(flags.calibrationMethod as CalibrationMethod))
        throw new UsageError(
          `--calibration-method must be minmax or percentile, got "${flags.calibrationMethod}"`,
        );
      const result = await exportRun(path.resolve(runDir), path.resolve(flags.out), flags);
      if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else process.stdout.write(formatExport(result));
    });
}

/** The run's preprocessing, as the loader applies it in evaluation, for the model's metadata. */
export function preprocessingOf(record: RunRecord): string {
  const size = record.config.inputSize;
  return (
    `RGB (alpha dropped, grayscale expanded), resized to ${size}x${size} without keeping the aspect ` +
    `ratio (libvips 'linear' kernel, as sharp), pixels x / 127.5 - 1, NCHW float32`
  );
}

export function runToOnnx(
  runDir: string,
  record: RunRecord,
  model: Parameters<typeof modelToOnnx>[0],
): OnnxModel {
  return modelToOnnx(model, {
    classNames: record.data.classes,
    preprocessing: preprocessingOf(record),
    source: runDir,
  });
}

async function exportRun(runDir: string, out: string, flags: ExportFlags) {
  const { record, model } = await loadRunModel(runDir);
  try {
    let onnx = runToOnnx(runDir, record, model);
    const int8 = flags.int8 ? await quantizeRun(runDir, record, model, onnx, flags) : null;
    if (int8) onnx = int8.model;
    const bytes = encodeOnnx(onnx, packageVersion());
    await writeFileAtomic(out, bytes, { durable: true });
    return {
      file: out,
      model: record.model.name,
      format: 'onnx',
      quantization: onnx.metadata.quantization ?? null,
      nodes: onnx.graph.nodes.length,
      bytes: bytes.length,
      classes: record.data.classes,
      check: int8?.check ?? null,
    };
  } finally {
    model.dispose();
  }
}

/**
 * Calibrates on the run's own training images (unaugmented, in a seeded shuffle), quantizes, and
 * measures the int8 model against the run on its validation split: refused (nothing written) when it
 * loses more than --max-accuracy-drop.
 */
async function quantizeRun(
  runDir: string,
  record: RunRecord,
  model: DescribedModel,
  onnx: OnnxModel,
  flags: ExportFlags,
) {
  const dataset = await openDataset(record.data.dir, {
    dropBackground: record.config.dropBackground,
    splitFile: path.join(runDir, record.data.splitFile),
  });
  const loaders = await createLoaders(dataset, {
    batchSize: 16,
    inputSize: record.config.inputSize,
    augment: false,
  });
  try {
    const images = async function* () {
      let left = flags.calibration;
      for await (const batch of loaders.trainAsIs.epoch(0)) {
        if (left <= 0) break;
        const n = Math.min(left, batch.labels.length);
        const [, ...rest] = batch.shape;
        yield {
          images: batch.images.subarray(0, n * (batch.images.length / batch.labels.length)),
          shape: [n, ...rest],
        };
        left -= n;
      }
    };
    const method = flags.calibrationMethod as CalibrationMethod;
    const calibrated = Math.min(flags.calibration, dataset.splits.train.length);
    const ranges = await calibrate(onnx, images, method);
    const quantized = quantizeModel(
      onnx,
      ranges,
      `int8 QDQ: per-channel symmetric int8 weights, per-tensor uint8 activations (${method}, ${calibrated} training images)`,
    );
    const session = await openOnnxSession(encodeOnnx(quantized, packageVersion()));
    let comparison;
    try {
      comparison = await compareOnOnnx(session, model, loaders.val, record.data.classes.length);
    } finally {
      await session.release();
    }
    const drop = (comparison.reference.accuracy - comparison.onnx.accuracy) * 100;
    const check = {
      split: 'val',
      images: comparison.onnx.images,
      fp32Accuracy: comparison.reference.accuracy,
      int8Accuracy: comparison.onnx.accuracy,
      accuracyDropPoints: drop,
      agreement: comparison.agreement,
      calibrationImages: calibrated,
      calibrationMethod: method,
    };
    if (comparison.onnx.images === 0)
      process.stderr.write(
        'warning: the run has no validation images, so the int8 accuracy is not checked\n',
      );
    else if (drop > flags.maxAccuracyDrop)
      throw new ExportError(
        `the int8 model loses ${drop.toFixed(2)} accuracy points on the ${check.images} validation images ` +
          `(${(check.fp32Accuracy * 100).toFixed(2)}% -> ${(check.int8Accuracy * 100).toFixed(2)}%), more than ` +
          `--max-accuracy-drop ${flags.maxAccuracyDrop}; nothing written. Try --calibration-method ` +
          `${method === 'minmax' ? 'percentile' : 'minmax'}, more --calibration images, or export fp32 (without --int8)`,
      );
    return { model: quantized, check };
  } finally {
    await loaders.close();
  }
}

type ExportResult = Awaited<ReturnType<typeof exportRun>>;

function formatExport(r: ExportResult): string {
  const lines = [
    `wrote ${r.file}: ${r.model}${r.quantization ? ' int8' : ''}, ${r.nodes} nodes, ${(r.bytes / 1e6).toFixed(1)} MB, ` +
      `classes ${r.classes.join(', ')}`,
  ];
  if (r.check)
    lines.push(
      `int8 on the ${r.check.images} validation images: ${(r.check.int8Accuracy * 100).toFixed(2)}% vs fp32 ` +
        `${(r.check.fp32Accuracy * 100).toFixed(2)}% (${r.check.accuracyDropPoints.toFixed(2)} points lost), ` +
        `top-1 agreement ${(r.check.agreement * 100).toFixed(2)}%; calibrated (${r.check.calibrationMethod}) on ` +
        `${r.check.calibrationImages} training images`,
    );
  return `${lines.join('\n')}\n`;
}
