// The model as eval and predict run it, and as inference latency is measured beside the training
// graph: a copy with every BatchNorm right after a convolution folded into it (src/nn/fold-batchnorm.ts).
// A copy, so the model itself can still be trained, checkpointed and saved with its BatchNorms.
import { getRngState, setRngState } from '../engine/index.js';
import { foldBatchNorms } from '../nn/index.js';
import { buildModel, type DescribedModel } from './build.js';

export interface InferenceCopy {
  /** In eval mode, without gradients; the caller disposes it. */
  model: DescribedModel;
  /** How many BatchNorms were folded into the convolution before them (and removed). */
  foldedBatchNorms: number;
}

/**
 * An inference-only copy of `model`: its current weights and BatchNorm statistics, with BatchNorm
 * folded into the convolutions. `model` itself is unchanged.
 */
export function inferenceCopy(model: DescribedModel): InferenceCopy {
  // Building draws initial weights that are overwritten at once: the global generator is put back,
  // so making a copy never changes what a seeded run draws next.
  const rng = getRngState();
  let copy: DescribedModel;
  try {
    copy = buildModel(model.description);
  } finally {
    setRngState(rng);
    rng.dispose();
  }
  try {
    copy.loadStateDict(model.stateDict());
    const foldedBatchNorms = foldBatchNorms(copy);
    return { model: copy.eval().setTrainable(false), foldedBatchNorms };
  } catch (error) {
    copy.dispose();
    throw error;
  }
}
