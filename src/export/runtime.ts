// Running an exported model in ONNX Runtime for Node (CPU), loaded on first use so that importing
// pareto-edge does not load ONNX Runtime's native library.
import type { InferenceSession } from 'onnxruntime-node';
import { INPUT_NAME, OUTPUT_NAME } from './export-model.js';

export interface OnnxSession {
  /** Logits [n, classes] of n NCHW images [n, 3, h, w]. */
  run(images: Float32Array, shape: readonly number[]): Promise<Float32Array>;
  /** Every output the graph names (for calibration: intermediate tensors exposed as outputs). */
  runAll(images: Float32Array, shape: readonly number[]): Promise<Record<string, Float32Array>>;
  release(): Promise<void>;
}

/** A session on an .onnx file's bytes. */
export async function openOnnxSession(
  model: Uint8Array,
  { threads = 2 }: { threads?: number } = {},
): Promise<OnnxSession> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(model, options(threads));
  const feed = (images: Float32Array, shape: readonly number[]) => ({
    [INPUT_NAME]: new ort.Tensor('float32', images, [...shape]),
  });
  return {
    async run(images, shape) {
      const result = await session.run(feed(images, shape), [OUTPUT_NAME]);
      return result[OUTPUT_NAME].data as Float32Array;
    },
    async runAll(images, shape) {
      const result = await session.run(feed(images, shape));
      return Object.fromEntries(Object.entries(result).map(([name, t]) => [name, t.data as Float32Array]));
    },
    release: () => session.release(),
  };
}

function options(threads: number): InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3, // errors only: no warnings on the user's terminal
  };
}
