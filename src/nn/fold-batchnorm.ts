// BatchNorm folded into the convolution before it, for inference. In inference mode BatchNorm is
// y = x * s + t per channel (s = gamma / sqrt(var + eps), t = beta - mean * s), so Conv(W, b) then
// BatchNorm equals Conv(W * s, b * s + t): one conv instead of a conv and a BatchNorm pass over the
// activation. Only a BatchNorm right after the conv in a Sequential, whose output feeds nothing else
// (a residual shortcut is a separate branch of a Merge and reads the block's input, never the conv's
// output), and only when no activation runs in between. The same fold as the ONNX exporter's
// (src/export/fold-batchnorm.ts), on modules.
import { noGrad, tidy } from '../engine/index.js';
import { Convolution, SeparableConv2D } from './conv.js';
import { BatchNormalization } from './layers.js';
import { Sequential, type Module } from './module.js';

/**
 * Folds, in place, every BatchNormalization that directly follows a foldable convolution (Conv2D,
 * DepthwiseConv2D, the pointwise step of SeparableConv2D) and removes it; returns how many. Changes the
 * module's weights and state-dict names: only for a copy used for inference alone.
 */
export function foldBatchNorms(root: Module): number {
  const pairs: { sequence: Sequential; conv: Convolution; batchNorm: BatchNormalization }[] = [];
  for (const [, sequence] of root.namedModules()) {
    if (!(sequence instanceof Sequential)) continue;
    sequence.layers.forEach((batchNorm, i) => {
      const conv = i > 0 ? convolutionOf(sequence.layers[i - 1]) : null;
      if (batchNorm instanceof BatchNormalization && conv?.foldable)
        pairs.push({ sequence, conv, batchNorm });
    });
  }
  for (const { sequence, conv, batchNorm } of pairs) {
    noGrad(() =>
      tidy(() => {
        const scale = batchNorm.weight.mul(batchNorm.runningVar.add(batchNorm.epsilon).rsqrt());
        conv.foldScaleShift(scale, batchNorm.bias.sub(batchNorm.runningMean.mul(scale)));
      }),
    );
    sequence.remove(batchNorm);
  }
  return pairs.length;
}

/** The convolution whose output a layer returns, if any (a separable conv ends with its pointwise conv). */
function convolutionOf(layer: Module): Convolution | null {
  if (layer instanceof SeparableConv2D) return layer.pointwise;
  return layer instanceof Convolution ? layer : null;
}
