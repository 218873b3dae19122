// One training step and the inference-latency measurement, shared by the trainer, `pareto-edge
// bench`, `pareto-edge eval` and the benchmarks so that all of them time the same work.
import { F, tidy, noGrad, randn, type Optimizer, type Tensor } from '../engine/index.js';
import { measureLatency, latencyStats } from '../measure/index.js';
import type { LatencyStats } from '../measure/index.js';
import { inPrecision, inferIn, type Precision } from './precision.js';
import { tensorFormat, type MemoryFormat } from './memory-format.js';

export interface StepResult {
  /** The batch's mean loss. */
  loss: number;
  /** How many predictions were right. */
  correct: number;
}

/**
 * Forward and cross-entropy on logits (in the precision: ./precision.ts), backward and the optimizer
 * update, in one tidy() scope. Returns the batch's mean loss and how many predictions were right.
 */
export function trainStep(
  model: { forward(x: Tensor): Tensor },
  optimizer: Optimizer,
  x: Tensor,
  y: Tensor,
  precision: Precision = 'fp32',
): StepResult {
  return tidy(() => {
    // The previous step's gradients go before the forward pass, as PyTorch's zero_grad(set_to_none)
    // at the top of a loop: freed after it, they would be alive through it, which is the peak of
    // models with large weights and small activations (MobileNetV2 at 32-64 px, +7-9%).
    optimizer.zeroGrad();
    const { logits, loss } = inPrecision(precision, () => {
      const logits = model.forward(x);
      return { logits, loss: F.crossEntropy(logits, y) };
    });
    loss.backward();
    optimizer.update();
    return { loss: loss.item(), correct: noGrad(() => logits.argmax(1).eq(y).sum().item()) };
  });
}

export interface InferenceLatency {
  batchSize: number;
  batchMs: LatencyStats;
  imageMs: LatencyStats;
}

/** The training graph's inference latency and, beside it, its BatchNorm-folded copy's (run.json's `inference`). */
export interface RunInferenceLatency extends InferenceLatency {
  /** The model as `eval` and `predict` run it: BatchNorm folded into the convolutions (inferenceCopy). */
  folded: Omit<InferenceLatency, 'batchSize'>;
}

type Inferring = { forward(x: Tensor): Tensor; eval(): unknown };

/**
 * Inference latency on random inputs of the model's size, in the precision: per batch of 16 and per
 * single image.
 */
export function measureInference(
  model: Inferring,
  inputSize: number,
  { memoryFormat = 'nchw' as MemoryFormat, iterations = 20, precision = 'fp32' as Precision } = {},
): InferenceLatency {
  model.eval();
  const timeFor = (n: number) =>
    noGrad(() =>
      tidy(() => {
        const x = randn([n, 3, inputSize, inputSize]).contiguous(tensorFormat(memoryFormat));
        return latencyStats(
          measureLatency(
            () =>
              tidy(() =>
                inferIn(precision, () => model.forward(x))
                  .sum()
                  .item(),
              ),
            {
              warmup: 3,
              iterations,
            },
          ),
        );
      }),
    );
  const batchSize = 16;
  return { batchSize, batchMs: timeFor(batchSize), imageMs: timeFor(1) };
}

/**
 * measureInference of the training graph (BatchNorm unfolded: batchMs, imageMs, as runs always
 * recorded) and then of its inference copy (`folded`), on the same settings.
 */
export function measureRunInference(
  graphs: { training: Inferring; folded: Inferring },
  inputSize: number,
  options: { memoryFormat?: MemoryFormat; iterations?: number; precision?: Precision } = {},
): RunInferenceLatency {
  const training = measureInference(graphs.training, inputSize, options);
  const { batchMs, imageMs } = measureInference(graphs.folded, inputSize, options);
  return { ...training, folded: { batchMs, imageMs } };
}
