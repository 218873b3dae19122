// A model small enough to save, corrupt and reload thousands of times a second, with every kind of
// state a real one has: conv and dense weights, BatchNorm buffers, Adam's per-parameter buffers.
import { readFile, writeFile } from 'node:fs/promises';
import { Adam, F, randn, tensor, tidy } from '../../src/engine/index.js';
import { BatchNormalization, Conv2D, Dense, GlobalAveragePooling2D, Sequential } from '../../src/nn/index.js';
import type { Progress } from '../../src/train/checkpoint.js';

/** One epoch's record as the trainer writes it, and the progress after that epoch. */
export const EPOCH_RECORD = {
  epoch: 1,
  loss: 0.7,
  acc: 0.5,
  valLoss: 0.69,
  valAcc: 0.5,
  learningRate: 0.001,
  timeS: 0.1,
  imagesPerS: 20,
  peakTensorBytes: 1000,
  peakRssBytes: 2000,
  meanRssBytes: 1500,
  paperMemBytes: 3000,
  cpuUtilization: 1,
  energyJ: null,
};
export const PROGRESS: Progress = { epochsDone: 1, history: [EPOCH_RECORD], best: null, stopped: false };

export function smallModel(): Sequential {
  return new Sequential([
    ['conv', new Conv2D(1, 2, 1)],
    ['bn', new BatchNormalization(2)],
    ['pool', new GlobalAveragePooling2D()],
    ['dense', new Dense(2, 2)],
  ]);
}

/** One training step, so the optimizer holds its buffers. */
export function trainOnce(model: Sequential, optimizer: Adam): void {
  tidy(() => {
    optimizer.zeroGrad();
    F.crossEntropy(
      model.forward(randn([2, 1, 3, 3])),
      tensor(new Int32Array([0, 1]), [2], { dtype: 'int64' }),
    ).backward();
    optimizer.update();
  });
}

/** A safetensors file's header (parsed) and data region. */
export async function readRaw(file: string): Promise<{ header: Record<string, unknown>; data: Buffer }> {
  const bytes = await readFile(file);
  const length = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')) as Record<string, unknown>;
  return { header, data: bytes.subarray(8 + length) };
}

/** Writes a header text and data region as a safetensors file, with the header length it takes. */
export async function writeRaw(
  file: string,
  headerText: string,
  data: Buffer,
  lengthDelta = 0,
): Promise<void> {
  const json = Buffer.from(headerText, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Math.max(0, json.length + lengthDelta)));
  await writeFile(file, Buffer.concat([length, json, data]));
}
