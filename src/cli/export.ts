// `pareto-edge export RUN --format onnx --out model.onnx [--int8 ...]`: a trained run as an ONNX file,
// written atomically (a failed or interrupted export leaves no file).
import type { Command } from 'commander';
import path from 'node:path';
import { encodeOnnx, modelToOnnx, type OnnxModel } from '../export/index.js';
import { loadRunModel, type RunRecord } from '../train/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { packageVersion } from './version.js';
import { UsageError } from './errors.js';

interface ExportFlags {
  format: string;
  out: string;
  json?: boolean;
}

export function registerExport(program: Command): void {
  program
    .command('export <run>')
    .description('write a trained run as an ONNX model (opset 13, dynamic batch, classes in its metadata)')
    .option('--format <format>', 'onnx (the only format)', 'onnx')
    .requiredOption('--out <file>', 'the .onnx file to write')
    .option('--json', 'print what was written as JSON')
    .action(async (runDir: string, flags: ExportFlags) => {
      if (flags.format !== 'onnx') throw new UsageError(`--format must be onnx, got "${flags.format}"`);
      const result = await exportRun(path.resolve(runDir), path.resolve(flags.out));
      if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else
        process.stdout.write(
          `wrote ${result.file}: ${result.model}, ${result.nodes} nodes, ${(result.bytes / 1e6).toFixed(1)} MB, ` +
            `classes ${result.classes.join(', ')}\n`,
        );
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

async function exportRun(runDir: string, out: string) {
  const { record, model } = await loadRunModel(runDir);
  try {
    const onnx = runToOnnx(runDir, record, model);
    const bytes = encodeOnnx(onnx, packageVersion());
    await writeFileAtomic(out, bytes, { durable: true });
    return {
      file: out,
      model: record.model.name,
      format: 'onnx',
      nodes: onnx.graph.nodes.length,
      bytes: bytes.length,
      classes: record.data.classes,
    };
  } finally {
    model.dispose();
  }
}
