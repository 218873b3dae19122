// Convolutions with Keras semantics: weights in PyTorch's [out, in/groups, kh, kw] layout so they
// open in PyTorch, initialised with Keras' fans, TensorFlow 'same' padding.
import { Tensor, F, noGrad, type Padding } from '../engine/index.js';
import { Module, releaseIntermediate } from './module.js';
import { activate, type ActivationKind } from './activation.js';
import { initialize, convFans, GLOROT_UNIFORM, ZEROS, type Initializer } from './init.js';

export interface ConvOptions {
  /** Applied after the bias, as Keras' activation= argument (default none). */
  activation?: ActivationKind;
  strides?: number | [number, number];
  padding?: Padding;
  dilation?: number | [number, number];
  useBias?: boolean;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
}

const GLOROT: Initializer = GLOROT_UNIFORM;

function kernelPair(kernel: number | [number, number]): [number, number] {
  return typeof kernel === 'number' ? [kernel, kernel] : kernel;
}

/**
 * What Conv2D and DepthwiseConv2D share: a kernel [out, in / groups, kh, kw], an optional bias per
 * output channel, and taking in a per-channel scale and shift applied after them (a folded BatchNorm).
 */
export abstract class Convolution extends Module {
  abstract readonly weight: Tensor;
  abstract readonly options: ConvOptions;
  #bias: Tensor | null = null;

  /** Null when the layer has none (until a BatchNorm is folded into it). */
  get bias(): Tensor | null {
    return this.#bias;
  }

  protected setBias(value: Tensor | null): void {
    this.#bias = value === null ? null : this.parameter('bias', value);
  }

  /** Whether an affine map after this convolution can be folded in: only if no activation runs in between. */
  get foldable(): boolean {
    return (this.options.activation ?? 'linear') === 'linear';
  }

  /**
   * For inference: from now on computes (its output) * scale + shift per output channel, in its kernel
   * and bias, adding a bias if it had none (Conv(W, b) then y * s + t is Conv(W * s, b * s + t)).
   */
  foldScaleShift(scale: Tensor, shift: Tensor): void {
    if (!this.foldable)
      throw new Error(`internal error: a ${this.options.activation} activation runs before the folded scale`);
    noGrad(() => {
      this.weight.mul_(scale.reshape([-1, 1, 1, 1]));
      if (this.bias) this.bias.mul_(scale).add_(shift);
      else this.setBias(shift.clone());
    });
  }
}

/** Keras Conv2D (default: valid padding, bias on, glorot-uniform kernel). */
export class Conv2D extends Convolution {
  readonly weight: Tensor;

  constructor(
    readonly inChannels: number,
    readonly filters: number,
    kernel: number | [number, number],
    readonly options: ConvOptions & { groups?: number } = {},
  ) {
    super();
    const [kh, kw] = kernelPair(kernel);
    const groups = options.groups ?? 1;
    this.weight = this.parameter(
      'weight',
      initialize(
        [filters, inChannels / groups, kh, kw],
        options.kernelInitializer ?? GLOROT,
        convFans(filters, inChannels / groups, kh, kw),
      ),
    );
    this.setBias(
      options.useBias === false
        ? null
        : initialize([filters], options.biasInitializer ?? ZEROS, { fanIn: 1, fanOut: 1 }),
    );
  }

  forward(x: Tensor): Tensor {
    const o = this.options;
    const y = F.conv2d(x, this.weight, this.bias, {
      stride: o.strides,
      padding: o.padding ?? 'valid',
      dilation: o.dilation,
      groups: o.groups,
    });
    return activateReleasing(y, o.activation, x);
  }
}

/** Keras DepthwiseConv2D: one kh×kw filter per input channel (× depth multiplier). */
export class DepthwiseConv2D extends Convolution {
  readonly weight: Tensor;

  constructor(
    readonly inChannels: number,
    kernel: number | [number, number],
    readonly options: ConvOptions & { depthMultiplier?: number } = {},
  ) {
    super();
    const [kh, kw] = kernelPair(kernel);
    const multiplier = options.depthMultiplier ?? 1;
    // Keras' depthwise kernel is (kh, kw, in, multiplier): fan_in = kh·kw·in, fan_out = kh·kw·multiplier.
    const fans = { fanIn: kh * kw * inChannels, fanOut: kh * kw * multiplier };
    this.weight = this.parameter(
      'weight',
      initialize([inChannels * multiplier, 1, kh, kw], options.kernelInitializer ?? GLOROT, fans),
    );
    this.setBias(
      options.useBias === false
        ? null
        : initialize([inChannels * multiplier], options.biasInitializer ?? ZEROS, { fanIn: 1, fanOut: 1 }),
    );
  }

  forward(x: Tensor): Tensor {
    const o = this.options;
    const y = F.conv2d(x, this.weight, this.bias, {
      stride: o.strides,
      padding: o.padding ?? 'valid',
      dilation: o.dilation,
      groups: this.inChannels,
    });
    return activateReleasing(y, o.activation, x);
  }
}

/** A fused activation; the pre-activation is released (autograd keeps it if backward needs it). */
function activateReleasing(y: Tensor, kind: ActivationKind | undefined, input: Tensor): Tensor {
  const activated = activate(y, kind);
  if (activated !== y) releaseIntermediate(y, input);
  return activated;
}

/** Keras SeparableConv2D: depthwise (no bias) then pointwise 1×1 (with the layer's bias). */
export class SeparableConv2D extends Module {
  readonly depthwise: DepthwiseConv2D;
  readonly pointwise: Conv2D;

  constructor(
    inChannels: number,
    filters: number,
    kernel: number | [number, number],
    options: ConvOptions & {
      depthMultiplier?: number;
      depthwiseInitializer?: Initializer;
      pointwiseInitializer?: Initializer;
    } = {},
  ) {
    super();
    const multiplier = options.depthMultiplier ?? 1;
    this.depthwise = this.child(
      'depthwise',
      new DepthwiseConv2D(inChannels, kernel, {
        strides: options.strides,
        padding: options.padding,
        dilation: options.dilation,
        depthMultiplier: multiplier,
        useBias: false,
        kernelInitializer: options.depthwiseInitializer,
      }),
    );
    this.pointwise = this.child(
      'pointwise',
      new Conv2D(inChannels * multiplier, filters, 1, {
        useBias: options.useBias,
        activation: options.activation,
        kernelInitializer: options.pointwiseInitializer,
        biasInitializer: options.biasInitializer,
      }),
    );
  }

  forward(x: Tensor): Tensor {
    const depthwise = this.depthwise.forward(x);
    const output = this.pointwise.forward(depthwise);
    // Without autograd (a frozen prefix, a checkpointed forward, eval) nothing else holds it.
    releaseIntermediate(depthwise, x);
    return output;
  }
}
