// Evaluation over a loader: loss, accuracy, per-class accuracy and the confusion matrix, with the
// model in inference mode and autograd off.
import { tidy, noGrad, F } from '../engine/index.js';
import type { Module } from '../nn/index.js';
import type { DataLoader } from '../data/index.js';
import { batchTensors } from './batch.js';
import type { MemoryFormat } from './memory-format.js';
import { inferIn, type Precision } from './precision.js';

export interface Evaluation {
  loss: number;
  accuracy: number;
  images: number;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  perClassAccuracy: number[];
}

export async function evaluate(
  model: Module,
  loader: DataLoader,
  classes: number,
  { memoryFormat = 'nchw' as MemoryFormat, epoch = 0, precision = 'fp32' as Precision } = {},
): Promise<Evaluation> {
  const wasTraining = model.training;
  model.eval();
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let lossSum = 0;
  try {
    for await (const batch of loader.epoch(epoch)) {
      const { loss, predicted } = noGrad(() =>
        tidy(() => {
          const { x, y } = batchTensors(batch, memoryFormat);
          const logits = inferIn(precision, () => model.forward(x));
          return {
            loss: F.crossEntropy(logits, y, { reduction: 'sum' }).item(),
            predicted: logits.argmax(1).toArray(),
          };
        }),
      );
      lossSum += loss;
      predicted.forEach((p, i) => confusion[batch.labels[i]][p]++);
    }
  } finally {
    model.train(wasTraining);
  }
  return summarizeEvaluation(confusion, lossSum);
}

/** Loss, accuracy and per-class accuracy from a confusion matrix and the summed loss. */
export function summarizeEvaluation(confusion: number[][], lossSum: number): Evaluation {
  const images = confusion.flat().reduce((a, b) => a + b, 0);
  const correct = confusion.reduce((sum, row, i) => sum + row[i], 0);
  return {
    loss: images > 0 ? lossSum / images : NaN,
    accuracy: images > 0 ? correct / images : NaN,
    images,
    confusion,
    perClassAccuracy: confusion.map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0);
      return total > 0 ? row[i] / total : NaN;
    }),
  };
}
