// Re-estimating BatchNorm's running statistics from data (PyTorch's torch.optim.swa_utils.update_bn).
// Keras' MobileNetV2 uses momentum 0.999, so its moving statistics average over the last ~1,000 steps
// of weights that kept changing: at evaluation they can describe a network that no longer exists. One
// pass over training images with the final weights gives the statistics those weights really produce.
import { tidy, noGrad } from '../engine/index.js';
import { BatchNormalization, type Module } from '../nn/index.js';
import type { Batch } from '../data/index.js';
import { batchTensors } from './batch.js';
import type { MemoryFormat } from './memory-format.js';

export interface Recalibration {
  layers: number;
  images: number;
}

/**
 * Replaces the running mean and variance of every BatchNorm layer that trained by their average over
 * `batches` (each batch weighted by its images), computed with the model's current weights. A frozen
 * layer (--freeze) keeps its statistics: it ran on them in inference mode all along, so they are part
 * of what every trained layer after it learned against.
 */
export async function recalibrateBatchNorm(
  model: Module,
  batches: AsyncIterable<Batch>,
  { memoryFormat = 'nchw' as MemoryFormat } = {},
): Promise<Recalibration> {
  const layers = model
    .namedModules()
    .map(([, module]) => module)
    .filter(
      (module): module is BatchNormalization =>
        module instanceof BatchNormalization && module.weight.requiresGrad,
    );
  const wasTraining = model.training;
  // Inference mode for everything else (dropout off); the layers below use batch statistics regardless.
  model.eval();
  let images = 0;
  try {
    for await (const batch of batches) {
      const n = batch.labels.length;
      if (n === 0) continue;
      // A cumulative average: this batch's weight is its share of the images seen so far.
      for (const layer of layers) layer.recalibrationMomentum = 1 - n / (images + n);
      noGrad(() =>
        tidy(() => {
          model.forward(batchTensors(batch, memoryFormat).x);
        }),
      );
      images += n;
    }
  } finally {
    for (const layer of layers) layer.recalibrationMomentum = null;
    model.train(wasTraining);
  }
  return { layers: layers.length, images };
}
