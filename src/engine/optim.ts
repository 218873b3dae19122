// Optimizers: SGD with momentum, Adam (Keras' update rule) and AdamW. They update parameters in
// place with libtorch's in-place kernels, outside autograd, and keep their state as tensors so that
// checkpoints can save and restore it exactly. Adam can keep its moments in bfloat16 (reduced-precision
// state, stochastically rounded: stochastic-rounding.ts).
import { Tensor } from './tensor.js';
import { Generator, zeros } from './creation.js';
import type { DType } from './dtype.js';
import { noGrad } from './autograd.js';
import { keep, tidy } from './lifetime.js';
import { stochasticRoundToBfloat16 } from './stochastic-rounding.js';

export type NamedParameters = Iterable<[string, Tensor]> | Tensor[];

export interface OptimizerState {
  step: number;
  /** Per-parameter buffers, named "<buffer>/<parameter name>". */
  buffers: Record<string, Tensor>;
}

export abstract class Optimizer {
  readonly parameters: [string, Tensor][];
  learningRate: number;
  step = 0;
  protected buffers = new Map<string, Tensor>();
  /** The kinds of per-parameter buffer this optimizer keeps ("<kind>/<parameter name>" in its state). */
  abstract readonly stateKinds: readonly string[];

  constructor(parameters: NamedParameters, learningRate: number) {
    this.parameters = Array.isArray(parameters)
      ? parameters.map((p, i) => (p instanceof Tensor ? [String(i), p] : p) as [string, Tensor])
      : [...parameters];
    this.learningRate = learningRate;
  }

  /** Drops every gradient (PyTorch's zero_grad(set_to_none=True)): cheaper than zero-filling. */
  zeroGrad(): void {
    for (const [, p] of this.parameters) p.grad = null;
  }

  /** Applies one update from the accumulated gradients; parameters without one are left alone. */
  update(): void {
    this.beginStep();
    this.applyUpdates(this.parameters.map(([, p]) => p));
  }

  /**
   * Counts a new step without updating anything: an update applied part by part (applyUpdates for
   * each block as soon as its gradients are complete, the "optimizer step in backward") is one step.
   */
  beginStep(): void {
    this.step++;
  }

  /**
   * Updates these parameters (all of them the optimizer's) from their gradients, in the order given;
   * parameters without a gradient are left alone. update() is beginStep() then this on every parameter.
   */
  applyUpdates(parameters: readonly Tensor[]): void {
    noGrad(() => {
      for (const p of parameters) {
        const name = this.nameOf(p);
        const grad = p.grad;
        if (grad === null) continue;
        try {
          this.updateParameter(name, p, grad);
        } finally {
          grad.dispose();
        }
      }
    });
  }

  #names: Map<Tensor, string> | null = null;

  private nameOf(parameter: Tensor): string {
    this.#names ??= new Map(this.parameters.map(([name, p]) => [p, name]));
    const name = this.#names.get(parameter);
    if (name === undefined)
      throw new RangeError('applyUpdates() was given a tensor this optimizer does not own');
    return name;
  }

  protected abstract updateParameter(name: string, parameter: Tensor, grad: Tensor): void;

  /** The dtype of a parameter's state buffer of this kind (the parameter's own unless overridden). */
  stateDtype(_kind: string, parameter: Tensor): DType {
    return parameter.dtype;
  }

  /** A zero-initialised state buffer for a parameter, created on first use and kept across tidy(). */
  protected buffer(kind: string, name: string, like: Tensor): Tensor {
    const key = `${kind}/${name}`;
    let state = this.buffers.get(key);
    if (state === undefined) {
      const dtype = this.stateDtype(kind, like);
      state = keep(noGrad(() => zeros(like.shape, { dtype, device: like.device })));
      this.buffers.set(key, state);
    }
    return state;
  }

  /**
   * Why a saved state buffer of this kind cannot be resumed from, or null if it can: values that are
   * not finite, and whatever the update rule forbids (one NaN spreads to every later step).
   */
  stateProblem(_kind: string, value: Tensor): string | null {
    const finite = tidy(() => value.isfinite().sum().item());
    return finite === value.numel
      ? null
      : `has ${value.numel - finite} of its ${value.numel} values NaN or infinite`;
  }

  stateDict(): OptimizerState {
    return { step: this.step, buffers: Object.fromEntries(this.buffers) };
  }

  /** Restores state saved by stateDict(); the tensors are copied, so the caller keeps ownership. */
  loadStateDict(state: OptimizerState): void {
    this.step = state.step;
    for (const [key, value] of Object.entries(state.buffers)) {
      const existing = this.buffers.get(key);
      if (existing) existing.copy_(value);
      else this.buffers.set(key, keep(value.clone()));
    }
  }

  dispose(): void {
    for (const state of this.buffers.values()) state.dispose();
    this.buffers.clear();
  }
}

export interface SgdOptions {
  learningRate?: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

/** SGD with optional momentum (PyTorch's form: v = μv + g; p -= lr·v) and L2 weight decay. */
export class SGD extends Optimizer {
  readonly stateKinds = ['momentum'];
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(
    parameters: NamedParameters,
    { learningRate = 0.01, momentum = 0, nesterov = false, weightDecay = 0 }: SgdOptions = {},
  ) {
    super(parameters, learningRate);
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
  }

  protected updateParameter(name: string, p: Tensor, grad: Tensor): void {
    if (this.weightDecay !== 0) grad.add_(p, this.weightDecay);
    if (this.momentum === 0) {
      p.add_(grad, -this.learningRate);
      return;
    }
    const velocity = this.buffer('momentum', name, p);
    velocity.mul_(this.momentum).add_(grad);
    if (this.nesterov) grad.add_(velocity, this.momentum);
    p.add_(this.nesterov ? grad : velocity, -this.learningRate);
  }
}

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** AdamW's decoupled weight decay, as a fraction of the learning rate per step. */
  weightDecay?: number;
  /**
   * The moments' dtype. bfloat16 halves their memory: a reduced-precision state, updated in float32
   * and stored back stochastically rounded (float32 parameters only).
   */
  momentDtype?: MomentDtype;
  /** Seeds the stochastic rounding of bfloat16 moments (with the step and the parameter's index). */
  roundingSeed?: number;
}

export type MomentDtype = 'float32' | 'bfloat16';

/**
 * Adam with Keras' defaults (lr 1e-3, β 0.9 / 0.999, ε 1e-7) and Keras' update, which folds the
 * bias corrections into the step size and adds ε to √v (not to √v̂ as PyTorch does).
 */
export class Adam extends Optimizer {
  readonly stateKinds = ['m', 'v'];
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly momentDtype: MomentDtype;
  readonly roundingSeed: number;
  #indices: Map<string, number> | null = null;

  constructor(
    parameters: NamedParameters,
    {
      learningRate = 1e-3,
      beta1 = 0.9,
      beta2 = 0.999,
      epsilon = 1e-7,
      weightDecay = 0,
      momentDtype = 'float32',
      roundingSeed = 0,
    }: AdamOptions = {},
  ) {
    super(parameters, learningRate);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.momentDtype = momentDtype;
    this.roundingSeed = roundingSeed;
    if (momentDtype === 'bfloat16') {
      const other = this.parameters.find(([, p]) => p.dtype !== 'float32');
      if (other)
        throw new TypeError(
          `bfloat16 moments are updated in float32, but parameter "${other[0]}" is ${other[1].dtype}; use float32 parameters or float32 moments`,
        );
    }
  }

  override stateDtype(kind: string, parameter: Tensor): DType {
    return this.momentDtype === 'bfloat16' ? 'bfloat16' : super.stateDtype(kind, parameter);
  }

  /** The second moment v is a running mean of squares: a negative value would make √v NaN. */
  override stateProblem(kind: string, value: Tensor): string | null {
    const problem = super.stateProblem(kind, value);
    if (problem !== null || kind !== 'v' || value.numel === 0) return problem;
    return tidy(() => value.min().item()) < 0
      ? 'holds negative values, which a second moment never has'
      : null;
  }

  protected updateParameter(name: string, p: Tensor, grad: Tensor): void {
    if (this.weightDecay !== 0) p.mul_(1 - this.learningRate * this.weightDecay);
    if (this.momentDtype === 'bfloat16') {
      this.updateWithBfloat16Moments(name, p, grad);
      return;
    }
    const m = this.buffer('m', name, p);
    const v = this.buffer('v', name, p);
    m.lerp_(grad, 1 - this.beta1);
    v.mul_(this.beta2).addcmul_(grad, grad, 1 - this.beta2);
    const denominator = v.sqrt();
    try {
      denominator.add_(this.epsilon);
      p.addcdiv_(m, denominator, -this.stepSize());
    } finally {
      denominator.dispose();
    }
  }

  /** The step size with both bias corrections folded in (Keras). */
  private stepSize(): number {
    return (this.learningRate * Math.sqrt(1 - this.beta2 ** this.step)) / (1 - this.beta1 ** this.step);
  }

  /**
   * The same update on float32 copies of the moments (libtorch's in-place ops do not mix dtypes), a
   * slice of rows at a time (BFLOAT16_UPDATE_CHUNK), so the temporaries stay small however large the
   * parameter: a float32 layer would otherwise need a few copies of its largest parameter at once.
   */
  private updateWithBfloat16Moments(name: string, p: Tensor, grad: Tensor): void {
    // Seeded by step and parameter, not drawn from a running stream: the same draws whatever order
    // the parameters are updated in (optimizer in backward) and after resuming from a checkpoint.
    const generator = new Generator(mixSeeds(this.roundingSeed, this.step, this.indexOf(name)));
    const whole = [p, grad, this.buffer('m', name, p), this.buffer('v', name, p)] as const;
    const stepSize = this.stepSize();
    for (const rows of rowSlices(p))
      tidy(() => {
        const [ps, gs, ms, vs] = rows === null ? whole : whole.map((t) => t.narrow(0, rows[0], rows[1]));
        this.updateSlice(ps!, gs!, ms!, vs!, stepSize, generator);
      });
  }

  /**
   * One slice's update: the moments one at a time, so at most two float32 copies exist, each stored
   * back rounded as soon as it is final. The step uses the float32 values; the next starts from the
   * rounded ones.
   */
  private updateSlice(
    p: Tensor,
    grad: Tensor,
    m: Tensor,
    v: Tensor,
    stepSize: number,
    generator: Generator,
  ): void {
    const denominator = v.to('float32');
    try {
      denominator.mul_(this.beta2).addcmul_(grad, grad, 1 - this.beta2);
      this.storeRounded(v, denominator, generator);
      denominator.sqrt_().add_(this.epsilon);
      const mean = m.to('float32');
      try {
        mean.lerp_(grad, 1 - this.beta1);
        p.addcdiv_(mean, denominator, -stepSize);
        denominator.dispose();
        this.storeRounded(m, mean, generator);
      } finally {
        mean.dispose();
      }
    } finally {
      denominator.dispose();
    }
  }

  /** Stores a float32 moment into its bfloat16 buffer. */
  private storeRounded(buffer: Tensor, value: Tensor, generator: Generator): void {
    const rounded = this.roundToBfloat16(value, generator);
    buffer.copy_(rounded);
    rounded.dispose();
  }

  /** Unbiased stochastic rounding; a subclass may round otherwise (the tests show round-to-nearest fail). */
  protected roundToBfloat16(value: Tensor, generator: Generator): Tensor {
    return stochasticRoundToBfloat16(value, generator);
  }

  private indexOf(name: string): number {
    this.#indices ??= new Map(this.parameters.map(([n], i) => [n, i]));
    return this.#indices.get(name)!;
  }
}

/**
 * Elements of a parameter a bfloat16-moment update works on at once (whole rows: at least one row):
 * its float32 temporaries, about five slices' worth, stay near 5 MiB.
 */
export const BFLOAT16_UPDATE_CHUNK = 2 ** 18;

/** [first row, rows] of each slice of a parameter, or [null] to update it whole. */
function rowSlices(p: Tensor): ([number, number] | null)[] {
  if (p.rank === 0 || p.numel <= BFLOAT16_UPDATE_CHUNK) return [null];
  const rows = p.shape[0]!;
  const perSlice = Math.max(1, Math.floor(BFLOAT16_UPDATE_CHUNK / (p.numel / rows)));
  const slices: [number, number][] = [];
  for (let first = 0; first < rows; first += perSlice) slices.push([first, Math.min(perSlice, rows - first)]);
  return slices;
}

/** Three whole numbers mixed into one 32-bit generator seed (MurmurHash3's finaliser after each). */
function mixSeeds(...values: number[]): number {
  let hash = 0;
  for (const value of values) {
    hash = Math.imul(hash ^ (value >>> 0) ^ Math.floor(value / 2 ** 32), 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
  }
  return hash >>> 0;
}

/** AdamW: Adam with decoupled weight decay (default 0.01, as in PyTorch and Keras). */
export class AdamW extends Adam {
  constructor(parameters: NamedParameters, options: AdamOptions = {}) {
    super(parameters, { weightDecay: 0.01, ...options });
  }
}
