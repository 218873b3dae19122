// Classifying images with a trained run: its own preprocessing (the evaluation loader: decode, resize,
// pixel mapping exactly as in training), batches through the model in inference mode, softmax.
// Unreadable images are skipped and reported, never fatal.
import { F, noGrad, tidy } from '../engine/index.js';
import type { Module } from '../nn/index.js';
import { createLoader } from '../data/index.js';
import { batchTensors } from './batch.js';
import { batchLayout, type MemoryFormat } from './memory-format.js';
import { inferIn, type Precision } from './precision.js';

export interface Prediction {
  path: string;
  /** Class index with the highest probability. */
  label: number;
  /** Softmax probability of every class, by index. */
  probabilities: number[];
}

export interface PredictOptions {
  inputSize: number;
  /** The run's (runMemoryFormat). */
  memoryFormat: MemoryFormat;
  batchSize: number;
  /** What the forward pass computes in (default fp32; ./inference-precision.ts). */
  precision?: Precision;
  /** Called after each batch with the images done so far (read or skipped). */
  onProgress?: (done: number) => void;
}

export async function predictImages(
  model: Module,
  paths: readonly string[],
  options: PredictOptions,
): Promise<{ predictions: Prediction[]; skipped: { path: string; reason: string }[] }> {
  const loader = await createLoader(
    paths.map((path) => ({ path, label: 0 })),
    {
      batchSize: options.batchSize,
      inputSize: options.inputSize,
      layout: batchLayout(options.memoryFormat),
      onWarning: () => undefined, // reported in the result instead
    },
  );
  const predictions: Prediction[] = [];
  const wasTraining = model.training;
  model.eval();
  try {
    let done = 0;
    for await (const batch of loader.epoch(0)) {
      const probabilities = noGrad(() =>
        tidy(() => {
          const { x } = batchTensors(batch, options.memoryFormat);
          return F.softmax(
            inferIn(options.precision ?? 'fp32', () => model.forward(x)),
            1,
          ).toFloat32Array();
        }),
      );
      const classes = probabilities.length / batch.labels.length;
      batch.indices.forEach((index, i) => {
        const row = Array.from(probabilities.subarray(i * classes, (i + 1) * classes));
        predictions.push({ path: paths[index], label: row.indexOf(Math.max(...row)), probabilities: row });
      });
      done = Math.max(done, batch.indices[batch.indices.length - 1] + 1);
      options.onProgress?.(done);
    }
  } finally {
    model.train(wasTraining);
    await loader.close();
  }
  options.onProgress?.(paths.length);
  return { predictions, skipped: loader.summary().skipped };
}
