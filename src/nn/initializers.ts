// Weight initializers by Keras name, and what each means numerically, so that a builder on any
// engine draws the same distributions Keras would (training dynamics depend on it).
//
// Fans follow Keras' compute_fans on the Keras kernel shape, which differs from PyTorch's for
// depthwise kernels: Keras' depthwise kernel is (kh, kw, in, depthMultiplier), so
// fan_in = kh*kw*in and fan_out = kh*kw*depthMultiplier, whereas a PyTorch weight of shape
// (in*dm, 1, kh, kw) would give fan_in = kh*kw. Use kerasKernelShape + kerasFans, not the engine's.

export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';

export type Initializer =
  | { name: 'zeros' }
  | { name: 'ones' }
  | { name: 'constant'; value: number }
  /** Keras default for kernels: variance_scaling(1, fan_avg, uniform) = U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)). */
  | { name: 'glorot_uniform' }
  | {
      name: 'variance_scaling';
      scale: number;
      mode: FanMode;
      distribution: 'truncated_normal' | 'untruncated_normal' | 'uniform';
    };

export const ZEROS: Initializer = { name: 'zeros' };
export const ONES: Initializer = { name: 'ones' };
export const GLOROT_UNIFORM: Initializer = { name: 'glorot_uniform' };

/** The distribution to draw from, fully resolved. */
export type Sampling =
  | { distribution: 'constant'; value: number }
  | { distribution: 'uniform'; limit: number }
  | { distribution: 'normal'; stddev: number }
  /** Normal(0, stddev) redrawn until inside [-2 stddev, 2 stddev] (Keras and tf.random.truncated_normal). */
  | { distribution: 'truncated_normal'; stddev: number; bound: number };

export interface Fans {
  fanIn: number;
  fanOut: number;
}

/** Keras compute_fans: 2-D (in, out) for Dense; otherwise the receptive field times the last two axes. */
export function kerasFans(shape: number[]): Fans {
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  if (shape.length < 2)
    throw new RangeError(`kerasFans needs a kernel of rank >= 2, got [${shape.join(', ')}]`);
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2]! * receptive, fanOut: shape[shape.length - 1]! * receptive };
}

/**
 * Keras truncated_normal draws from N(0, sigma) cut at 2 sigma, whose standard deviation is
 * 0.8796... sigma; variance_scaling divides by that so the kept values have the intended variance.
 */
const TRUNCATED_NORMAL_STD_CORRECTION = 0.87962566103423978;

export function resolveInitializer(init: Initializer, fans: Fans): Sampling {
  switch (init.name) {
    case 'zeros':
      return { distribution: 'constant', value: 0 };
    case 'ones':
      return { distribution: 'constant', value: 1 };
    case 'constant':
      return { distribution: 'constant', value: init.value };
    case 'glorot_uniform':
      return resolveInitializer(
        { name: 'variance_scaling', scale: 1, mode: 'fan_avg', distribution: 'uniform' },
        fans,
      );
    case 'variance_scaling': {
      const n =
        init.mode === 'fan_in'
          ? fans.fanIn
          : init.mode === 'fan_out'
            ? fans.fanOut
            : (fans.fanIn + fans.fanOut) / 2;
      const variance = init.scale / Math.max(1, n);
      if (init.distribution === 'uniform') return { distribution: 'uniform', limit: Math.sqrt(3 * variance) };
      if (init.distribution === 'untruncated_normal')
        return { distribution: 'normal', stddev: Math.sqrt(variance) };
      const stddev = Math.sqrt(variance) / TRUNCATED_NORMAL_STD_CORRECTION;
      return { distribution: 'truncated_normal', stddev, bound: 2 * stddev };
    }
  }
}
