// An exported model evaluated in ONNX Runtime beside the model it came from: accuracy, loss and the
// confusion matrix of each on the same images, how often their top-1 classes agree, the largest logit
// difference, and inference latency of each (and of the model with BatchNorm folded) at the same
// thread count.
import { dispose, getNumThreads, noGrad, setNumThreads, tensor, tidy, type Tensor } from '../engine/index.js';
import type { Batch, DataLoader } from '../data/index.js';
import { median, percentile, type LatencyStats } from '../measure/index.js';
import type { Module } from '../nn/index.js';
import { summarizeEvaluation, type Evaluation, type MemoryFormat } from '../train/index.js';
import { batchTensors } from '../train/batch.js';
import type { OnnxSession } from './runtime.js';

export interface OnnxComparison {
  onnx: Evaluation;
  reference: Evaluation;
  /** Share of images whose top-1 class is the same in both. */
  agreement: number;
  maxLogitDelta: number;
}

export async function compareOnOnnx(
  session: OnnxSession,
  model: Module,
  loader: DataLoader,
  classes: number,
  { memoryFormat = 'nchw' as MemoryFormat } = {},
): Promise<OnnxComparison> {
  const blank = () => Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const confusion = { onnx: blank(), reference: blank() };
  const lossSum = { onnx: 0, reference: 0 };
  let agreeing = 0;
  let images = 0;
  let maxLogitDelta = 0;
  model.eval();
  for await (const batch of loader.epoch(0)) {
    const reference = noGrad(() =>
      tidy(() => model.forward(batchTensors(batch, memoryFormat).x).toFloat32Array()),
    );
    const onnx = await session.run(nchw(batch), [
      batch.labels.length,
      3,
      loader.size.height,
      loader.size.width,
    ]);
    for (let i = 0; i < batch.labels.length; i++) {
      const label = batch.labels[i];
      const row = (logits: Float32Array) => logits.subarray(i * classes, (i + 1) * classes);
      const [a, b] = [row(onnx), row(reference)];
      const [pa, pb] = [argmax(a), argmax(b)];
      confusion.onnx[label][pa]++;
      confusion.reference[label][pb]++;
      lossSum.onnx += crossEntropy(a, label);
      lossSum.reference += crossEntropy(b, label);
      if (pa === pb) agreeing++;
      for (let c = 0; c < classes; c++) maxLogitDelta = Math.max(maxLogitDelta, Math.abs(a[c] - b[c]));
    }
    images += batch.labels.length;
  }
  return {
    onnx: summarizeEvaluation(confusion.onnx, lossSum.onnx),
    reference: summarizeEvaluation(confusion.reference, lossSum.reference),
    agreement: images > 0 ? agreeing / images : NaN,
    maxLogitDelta,
  };
}

type Batches<T> = Record<'batch1' | 'batch16', T>;

export interface LatencyComparison {
  threads: number;
  /** Per batch of 1 and of 16, median and p95 in milliseconds. */
  onnx: Batches<LatencyStats>;
  /** The model given (eval gives the training graph, BatchNorm unfolded). */
  reference: Batches<LatencyStats>;
  /** reference / onnx median time: above 1, the ONNX model is faster. */
  speedup: Batches<number>;
  /** When a folded model is given: its latency, and its median / onnx's. */
  folded?: Batches<LatencyStats>;
  foldedSpeedup?: Batches<number>;
}

/**
 * Inference latency of the ONNX session and of the model on the same input, batch 1 and 16, the
 * engine limited to the session's threads meanwhile so both use the same cores; also of `folded`
 * (the model with BatchNorm folded, as eval runs it) when given. They alternate run by run, so a busy
 * machine slows all alike and the ratios stay fair.
 */
export async function compareLatency(
  session: OnnxSession,
  model: Module,
  inputSize: number,
  {
    threads,
    memoryFormat = 'nchw',
    iterations = 20,
    warmup = 3,
    folded,
  }: {
    threads: number;
    memoryFormat?: MemoryFormat;
    iterations?: number;
    warmup?: number;
    folded?: Module;
  },
): Promise<LatencyComparison> {
  const before = getNumThreads();
  setNumThreads(threads);
  model.eval();
  folded?.eval();
  const timeForward = (module: Module, x: Tensor) => {
    const t0 = performance.now();
    noGrad(() => tidy(() => module.forward(x).sum().item()));
    return performance.now() - t0;
  };
  try {
    const result: Omit<LatencyComparison, 'threads'> = {
      onnx: {} as Batches<LatencyStats>,
      reference: {} as Batches<LatencyStats>,
      speedup: {} as Batches<number>,
      ...(folded ? { folded: {} as Batches<LatencyStats>, foldedSpeedup: {} as Batches<number> } : {}),
    };
    for (const n of [1, 16] as const) {
      const key = n === 1 ? 'batch1' : 'batch16';
      const shape = [n, 3, inputSize, inputSize];
      const pixels = Float32Array.from(
        { length: n * 3 * inputSize * inputSize },
        () => Math.random() * 2 - 1,
      );
      const input = tensor(pixels, shape);
      const x = memoryFormat === 'channels-last' ? input.contiguous('channels_last') : input;
      const times = { reference: [] as number[], folded: [] as number[], onnx: [] as number[] };
      try {
        for (let i = 0; i < warmup + iterations; i++) {
          const reference = timeForward(model, x);
          const foldedMs = folded ? timeForward(folded, x) : NaN;
          const t0 = performance.now();
          await session.run(pixels, shape);
          const onnx = performance.now() - t0;
          if (i < warmup) continue;
          times.reference.push(reference);
          times.folded.push(foldedMs);
          times.onnx.push(onnx);
        }
      } finally {
        dispose(x === input ? [input] : [input, x]);
      }
      const stats = (ms: number[]) => ({ median: median(ms), p95: percentile(ms, 95) });
      result.reference[key] = stats(times.reference);
      result.onnx[key] = stats(times.onnx);
      result.speedup[key] = result.reference[key].median / result.onnx[key].median;
      if (result.folded && result.foldedSpeedup) {
        result.folded[key] = stats(times.folded);
        result.foldedSpeedup[key] = result.folded[key].median / result.onnx[key].median;
      }
    }
    return { threads, ...result };
  } finally {
    setNumThreads(before);
  }
}

/** The batch's pixels in NCHW order (a copy only when the loader wrote NHWC). */
function nchw(batch: Batch): Float32Array {
  if (batch.layout === 'nchw') return batch.images;
  const [n, h, w, c] = batch.shape;
  const out = new Float32Array(batch.images.length);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++)
          out[((i * c + k) * h + y) * w + x] = batch.images[((i * h + y) * w + x) * c + k];
  return out;
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** -log softmax(logits)[label], computed stably. */
function crossEntropy(logits: Float32Array, label: number): number {
  const max = Math.max(...logits);
  const sum = logits.reduce((s, v) => s + Math.exp(v - max), 0);
  return Math.log(sum) + max - logits[label];
}
