// What the search measures with the engine before training a candidate: a training-free proxy of
// its accuracy and its inference latency on this machine. Both build the model once and free it.
import { dispose, F, manualSeed, noGrad, tidy } from '../engine/index.js';
import type { Batch } from '../data/index.js';
import { buildModel } from '../models/build.js';
import type { ModelDescription } from '../models/description.js';
import { batchTensors } from '../train/batch.js';
import { measureInference } from '../train/index.js';

/**
 * The gradient-norm proxy (Abdelfattah et al., "Zero-Cost Proxies for Lightweight NAS", ICLR 2021):
 * the L2 norm of the loss gradient over all trainable weights at initialisation, on one real batch.
 * Cheap (one forward and backward) but not known to rank this space well: the search measures its
 * Kendall τ against trained accuracy instead of assuming it.
 */
export function gradNormProxy(description: ModelDescription, batch: Batch, seed: number): number {
  manualSeed(seed);
  const model = buildModel(description);
  const { x, y } = batchTensors(batch, 'nchw');
  try {
    model.train();
    return tidy(() => {
      const loss = F.crossEntropy(model.forward(x), y);
      loss.backward();
      let squares = 0;
      for (const [, parameter] of model.trainableParameters()) {
        const grad = parameter.grad;
        if (grad) squares += noGrad(() => grad.pow(2).sum().item());
      }
      return Math.sqrt(squares);
    });
  } finally {
    dispose([x, y]);
    model.dispose();
  }
}

/** Median inference latency of one image (batch 1), in milliseconds, as the trainer measures it. */
export function inferenceLatencyMs(description: ModelDescription, iterations = 10): number {
  manualSeed(0);
  const model = buildModel(description);
  try {
    return measureInference(model, description.input.height, { iterations }).imageMs.median;
  } finally {
    model.dispose();
  }
}
