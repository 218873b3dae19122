// The remaining Keras layers: Dense, BatchNormalization, activations, pooling, Dropout, Rescaling,
// ZeroPadding2D. Each follows Keras' defaults.
import { Tensor, F, rand, tensor, keep, type Padding } from '../engine/index.js';
import { activate, type ActivationKind } from './activation.js';
import { Module } from './module.js';
import { initialize, GLOROT_UNIFORM, ONES, ZEROS, type Initializer } from './init.js';

export class Dense extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly units: number,
    readonly options: {
      useBias?: boolean;
      activation?: ActivationKind;
      kernelInitializer?: Initializer;
      biasInitializer?: Initializer;
    } = {},
  ) {
    super();
    // PyTorch layout [units, in]; Keras' fans from its (in, units) kernel.
    const fans = { fanIn: inFeatures, fanOut: units };
    this.weight = this.parameter(
      'weight',
      initialize([units, inFeatures], options.kernelInitializer ?? GLOROT_UNIFORM, fans),
    );
    this.bias =
      options.useBias === false
        ? null
        : this.parameter('bias', initialize([units], options.biasInitializer ?? ZEROS, fans));
  }

  forward(x: Tensor): Tensor {
    return activate(F.linear(x, this.weight, this.bias), this.options.activation);
  }
}

export interface BatchNormalizationOptions {
  /** Keras semantics: moving = momentum * moving + (1 - momentum) * batch statistic. */
  momentum?: number;
  epsilon?: number;
  /** Keras' defaults: gamma and moving variance ones, beta and moving mean zeros. */
  gammaInitializer?: Initializer;
  betaInitializer?: Initializer;
  movingMeanInitializer?: Initializer;
  movingVarianceInitializer?: Initializer;
}

/** Keras BatchNormalization over channels (axis 1 of NCHW): momentum 0.99, epsilon 1e-3 by default. */
export class BatchNormalization extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly momentum: number;
  readonly epsilon: number;
  /**
   * While set (by recalibrateBatchNorm), forward normalises with the batch's statistics and folds them
   * into the running ones with this Keras momentum, whatever the mode and even when frozen.
   */
  recalibrationMomentum: number | null = null;

  constructor(
    readonly channels: number,
    {
      momentum = 0.99,
      epsilon = 1e-3,
      gammaInitializer = ONES,
      betaInitializer = ZEROS,
      movingMeanInitializer = ZEROS,
      movingVarianceInitializer = ONES,
    }: BatchNormalizationOptions = {},
  ) {
    super();
    this.momentum = momentum;
    this.epsilon = epsilon;
    // Keras fans of a vector (n): only constants are usual here, but any initializer draws sensibly.
    const fans = { fanIn: channels, fanOut: channels };
    this.weight = this.parameter('weight', initialize([channels], gammaInitializer, fans));
    this.bias = this.parameter('bias', initialize([channels], betaInitializer, fans));
    this.runningMean = this.buffer('running_mean', initialize([channels], movingMeanInitializer, fans));
    this.runningVar = this.buffer('running_var', initialize([channels], movingVarianceInitializer, fans));
  }

  forward(x: Tensor): Tensor {
    return F.batchNorm(x, {
      weight: this.weight,
      bias: this.bias,
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      // A frozen BatchNorm runs in inference mode, as in Keras (layer.trainable = False).
      training: this.recalibrationMomentum !== null || (this.training && this.weight.requiresGrad),
      momentum: this.recalibrationMomentum ?? this.momentum,
      eps: this.epsilon,
    });
  }
}

export class Activation extends Module {
  constructor(readonly kind: ActivationKind) {
    super();
  }

  forward(x: Tensor): Tensor {
    return activate(x, this.kind);
  }
}

type PoolSize = number | [number, number];

export class MaxPooling2D extends Module {
  constructor(
    readonly pool: PoolSize,
    readonly options: { strides?: PoolSize; padding?: Padding } = {},
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return F.maxPool2d(x, this.pool, {
      stride: this.options.strides ?? this.pool,
      padding: this.options.padding ?? 'valid',
    });
  }
}

export class AveragePooling2D extends Module {
  constructor(
    readonly pool: PoolSize,
    readonly options: { strides?: PoolSize; padding?: Padding } = {},
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.pool, {
      stride: this.options.strides ?? this.pool,
      padding: this.options.padding ?? 'valid',
    });
  }
}

/** [N, C, H, W] → [N, C], or [N, C, 1, 1] with keepDims. */
export class GlobalAveragePooling2D extends Module {
  constructor(readonly keepDims = false) {
    super();
  }

  forward(x: Tensor): Tensor {
    return this.keepDims ? x.mean([2, 3], true) : F.globalAvgPool2d(x);
  }
}

/** Inverted dropout in training; perSample drops whole samples (Keras noise_shape (None, 1, 1, 1)). */
export class Dropout extends Module {
  constructor(
    readonly rate: number,
    readonly perSample = false,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    if (!this.perSample || !this.training || this.rate === 0) return F.dropout(x, this.rate, this.training);
    const keepMask = rand([x.shape[0], 1, 1, 1]).ge(this.rate).to(x.dtype);
    return x.mul(keepMask.div(1 - this.rate));
  }
}

/** Fixed per-channel standardisation (Keras Normalization with given mean and variance; no weights). */
export class Normalization extends Module {
  readonly #mean: Tensor;
  readonly #invStd: Tensor;

  constructor(mean: number[], variance: number[]) {
    super();
    this.#mean = keep(tensor(mean, [1, mean.length, 1, 1]));
    this.#invStd = keep(
      tensor(
        variance.map((v) => 1 / Math.max(Math.sqrt(v), 1e-7)),
        [1, variance.length, 1, 1],
      ),
    );
  }

  forward(x: Tensor): Tensor {
    return x.sub(this.#mean).mul(this.#invStd);
  }

  override dispose(): void {
    this.#mean.dispose();
    this.#invStd.dispose();
    super.dispose();
  }
}

/** y = x · scale + offset (Keras Rescaling, e.g. 1/127.5 and −1 to map [0, 255] to [−1, 1]). */
export class Rescaling extends Module {
  constructor(
    readonly scale: number,
    readonly offset = 0,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return this.offset === 0 ? x.mul(this.scale) : x.mul(this.scale).add(this.offset);
  }
}

export class ZeroPadding2D extends Module {
  constructor(readonly padding: [[number, number], [number, number]]) {
    super();
  }

  forward(x: Tensor): Tensor {
    return F.pad2d(x, this.padding);
  }
}
