// One model's measurements in bench/models, round after round, alternating pareto-edge and PyTorch
// within each round so that machine noise hits both:
//   pareto-edge default step (and its inference at the training batch) → PyTorch float32 step →
//   pareto-edge bf16 step → PyTorch bf16 step → pareto-edge inference at batch 1 → PyTorch inference.
// A measurement that fails (an op without a bfloat16 kernel, bf16 on a CPU without it) is recorded
// with its message and tried again next round; it does not stop the others.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { memoryStats } from '../../src/engine/index.js';
import { benchModel, type BenchResult } from '../../src/train/bench-model.js';
import type { MemoryFormatChoice } from '../../src/train/memory-format.js';
import { describeModel } from '../../src/zoo/registry.js';
import { median } from '../common/stats.js';
import { runModelPeer, type PeerRequest, type SameFunctionCheck } from './pytorch-side.js';
import { writeSameFunctionCheck } from './same-function.js';

export interface Options {
  input: number;
  batch: number;
  steps: number;
  rounds: number;
  threads: number;
}

/** One quantity across rounds: each round's median (ms) and allocator peak, or why it failed. */
export interface Series {
  roundMs: number[];
  /** Bytes the allocator held at the peak beyond those held before the model was built (null: not counted). */
  peakBytes: (number | null)[];
  /** The first failure's message; a series with an error is reported as failing. */
  error?: string;
}

export interface TrainSeries {
  /** float32, --memory-format auto: what `pareto-edge train` does without options. */
  default: Series;
  /** --precision bf16, channels-last. */
  bf16: Series;
  /** PyTorch float32, channels-last. */
  pytorchFp32: Series;
  /** PyTorch bf16 autocast, channels-last. */
  pytorchBf16: Series;
}

export interface InferSeries {
  batch: number;
  /** BatchNorm folded into the convolutions, as eval and predict run. */
  folded: Series;
  /** The training graph in eval mode. */
  unfolded: Series;
  /** PyTorch float32, eval mode, no gradients, channels-last. */
  pytorch: Series;
}

export interface ModelResult {
  model: string;
  /** What auto chose for the default step (null: the default step never ran). */
  memoryFormat: MemoryFormatChoice | null;
  train: TrainSeries;
  infer: InferSeries[];
  params: {
    ours: { parametersOnly: number; keras: number };
    pytorch: { parametersOnly: number; keras: number } | null;
  };
  check: SameFunctionCheck | null;
}

function emptySeries(): Series {
  return { roundMs: [], peakBytes: [] };
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

function fail(series: Series, label: string, error: string): void {
  series.error ??= error;
  process.stderr.write(`  ${label} fails: ${error}\n`);
}

/** benchModel, or null after recording its failure in every series it would have filled. */
function ours(label: string, series: Series[], run: () => BenchResult): BenchResult | null {
  try {
    return run();
  } catch (error) {
    for (const s of series) fail(s, label, messageOf(error));
    return null;
  }
}

function add(series: Series, ms: number, peakBytes: number | null = null): void {
  series.roundMs.push(ms);
  series.peakBytes.push(peakBytes);
}

export async function measureModel(
  name: string,
  o: Options,
  dir: string,
  shim: string | null,
): Promise<ModelResult> {
  const description = describeModel(name, { numClasses: 2, inputSize: o.input, includePreprocessing: false });
  const descriptionFile = path.join(dir, `${name}.json`);
  writeFileSync(descriptionFile, JSON.stringify(description));
  const check = {
    description: path.join(dir, `${name}-check.json`),
    weights: path.join(dir, `${name}-check.safetensors`),
  };
  const ourParams = await writeSameFunctionCheck(description, check.description, check.weights);
  const result: ModelResult = {
    model: name,
    memoryFormat: null,
    train: {
      default: emptySeries(),
      bf16: emptySeries(),
      pytorchFp32: emptySeries(),
      pytorchBf16: emptySeries(),
    },
    infer: [...new Set([o.batch, 1])].map((batch) => ({
      batch,
      folded: emptySeries(),
      unfolded: emptySeries(),
      pytorch: emptySeries(),
    })),
    params: { ours: ourParams, pytorch: null },
    check: null,
  };
  const { train } = result;
  // auto measures both formats in the first round, in this run, not a choice cached by an earlier
  // run under other load; later rounds read it back, as later runs of `train` would.
  const formatCache = path.join(dir, 'memory-format');
  const common = { input: o.input, steps: o.steps, classes: 2, threads: o.threads };

  const pytorch = (series: Series, request: Omit<PeerRequest, 'description' | 'steps' | 'threads'>) => {
    const label = `PyTorch ${request.mode} ${request.precision} batch ${request.batch}`;
    try {
      const p = runModelPeer(
        { ...request, description: descriptionFile, steps: o.steps, threads: o.threads },
        shim,
      );
      if ('error' in p) return fail(series, label, p.error);
      add(series, median(p.steps_ms), p.peakBytes);
      result.params.pytorch = p.params;
      if (p.check) result.check = p.check;
    } catch (error) {
      fail(series, label, messageOf(error));
    }
  };
  /** Our allocator peak of a run: beyond what was held before it. */
  const oursTimed = (label: string, series: Series[], run: () => BenchResult) => {
    const before = memoryStats().currentBytes;
    const r = ours(label, series, run);
    return r && { r, peakBytes: r.memory.peakTensorBytes - before };
  };

  for (let round = 0; round < o.rounds; round++) {
    const [first] = result.infer;
    const def = oursTimed('pareto-edge default', [train.default, first.folded, first.unfolded], () =>
      benchModel(
        name,
        { ...common, batch: o.batch, memoryFormat: 'auto', precision: 'fp32' },
        { cacheDir: formatCache },
      ),
    );
    if (def) {
      result.memoryFormat ??= def.r.memoryFormat; // round 1 measured it; later rounds read it back
      add(train.default, def.r.train.stepMs.median, def.peakBytes);
      add(first.folded, def.r.infer.folded.batchMs.median);
      add(first.unfolded, def.r.infer.batchMs.median);
    }
    pytorch(train.pytorchFp32, {
      mode: 'train',
      precision: 'fp32',
      batch: o.batch,
      ...(round === 0 ? { check } : {}),
    });

    const bf16 = oursTimed('pareto-edge bf16', [train.bf16], () =>
      benchModel(name, {
        ...common,
        batch: o.batch,
        memoryFormat: 'channels-last',
        precision: 'bf16',
      }),
    );
    if (bf16) add(train.bf16, bf16.r.train.stepMs.median, bf16.peakBytes);
    pytorch(train.pytorchBf16, { mode: 'train', precision: 'bf16', batch: o.batch });

    // Inference at the other batches in the format the default chose, as predict runs a trained model.
    for (const infer of result.infer.slice(1)) {
      const r = ours(`pareto-edge inference batch ${infer.batch}`, [infer.folded, infer.unfolded], () =>
        benchModel(name, {
          ...common,
          batch: infer.batch,
          memoryFormat: result.memoryFormat?.format ?? 'channels-last',
          precision: 'fp32',
        }),
      );
      if (r) {
        add(infer.folded, r.infer.folded.batchMs.median);
        add(infer.unfolded, r.infer.batchMs.median);
      }
    }
    for (const infer of result.infer) {
      pytorch(infer.pytorch, { mode: 'infer', precision: 'fp32', batch: infer.batch });
    }
    const latest = (s: Series) => (s.error === undefined ? `${s.roundMs[round].toFixed(0)} ms` : 'fails');
    process.stderr.write(
      `  ${name} round ${round + 1}/${o.rounds}: step default ${latest(train.default)}, bf16 ${latest(train.bf16)}, ` +
        `PyTorch fp32 ${latest(train.pytorchFp32)}, bf16 ${latest(train.pytorchBf16)}\n`,
    );
  }
  return result;
}
