// BatchNormalization with Keras semantics: in training, moving = momentum * moving + (1 - momentum) *
// batch statistic (PyTorch's `momentum` is 1 - this one), and the moving variance uses the unbiased
// batch variance; y = gamma * (x - mean) / sqrt(var + epsilon) + beta over the channel axis.
import { BatchNormalization } from '../nn/index.js';
import { ONES, ZEROS, type Initializer } from '../nn/initializers.js';
import { channelsOf, countParams, KEEPS_NOTHING, type LayerDefinition, type WeightSpec } from './layer.js';

export interface BatchNormalizationLayer {
  kind: 'BatchNormalization';
  name: string;
  momentum: number;
  epsilon: number;
  /** Has the trainable offset beta. */
  center: boolean;
  /** Has the trainable scale gamma. */
  scale: boolean;
  betaInitializer: Initializer;
  gammaInitializer: Initializer;
  movingMeanInitializer: Initializer;
  movingVarianceInitializer: Initializer;
}

/** Keras defaults: momentum 0.99, epsilon 1e-3, with beta (zeros) and gamma (ones). */
export function batchNorm(
  name: string,
  options: Partial<Omit<BatchNormalizationLayer, 'kind' | 'name' | 'center' | 'scale'>> = {},
): BatchNormalizationLayer {
  return {
    kind: 'BatchNormalization',
    name,
    momentum: options.momentum ?? 0.99,
    epsilon: options.epsilon ?? 1e-3,
    center: true,
    scale: true,
    betaInitializer: options.betaInitializer ?? ZEROS,
    gammaInitializer: options.gammaInitializer ?? ONES,
    movingMeanInitializer: options.movingMeanInitializer ?? ZEROS,
    movingVarianceInitializer: options.movingVarianceInitializer ?? ONES,
  };
}

export const batchNormalizationDefinition: LayerDefinition<BatchNormalizationLayer> = {
  kind: 'BatchNormalization',
  outputShape: (_layer, input) => input,
  weights(layer, channels) {
    const vector = (
      name: string,
      initializer: Initializer,
      trainable: boolean,
      pytorchName: string,
    ): WeightSpec => ({
      name,
      shape: [channels],
      initializer,
      trainable,
      pytorch: { name: pytorchName, shape: [channels] },
    });
    return [
      ...(layer.scale ? [vector('gamma', layer.gammaInitializer, true, 'weight')] : []),
      ...(layer.center ? [vector('beta', layer.betaInitializer, true, 'bias')] : []),
      vector('moving_mean', layer.movingMeanInitializer, false, 'running_mean'),
      vector('moving_variance', layer.movingVarianceInitializer, false, 'running_var'),
    ];
  },
  lower: (layer, x, lowering, output) =>
    lowering.emit('batchnorm', [x], output, {
      trainableParams: countParams(batchNormalizationDefinition.weights(layer, channelsOf(output))).trainable,
    }),
  build(layer, input) {
    if (!layer.center || !layer.scale)
      throw new Error(
        `${layer.name}: BatchNormalization without center or scale is not supported by the builder`,
      );
    return new BatchNormalization(channelsOf(input), {
      momentum: layer.momentum,
      epsilon: layer.epsilon,
      gammaInitializer: layer.gammaInitializer,
      betaInitializer: layer.betaInitializer,
      movingMeanInitializer: layer.movingMeanInitializer,
      movingVarianceInitializer: layer.movingVarianceInitializer,
    });
  },
  /** Inference mode: the moving statistics. The exporter folds it into a convolution right before it. */
  onnx: (layer, x, graph) =>
    graph.node(
      'BatchNormalization',
      [x, ...['weight', 'bias', 'running_mean', 'running_var'].map((name) => graph.weight(name))],
      { epsilon: { float: layer.epsilon } },
    ),
  // libtorch's native_batch_norm saves its input, save_mean and save_invstd (2 x float32 per channel).
  ops: { batchnorm: { ...KEEPS_NOTHING, input: true, bytesPerChannel: 8 } },
  batchStatistics: true,
};
