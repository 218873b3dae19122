// Draws initial weights from the distributions Keras would use. What each initializer means, and how
// Keras computes fans, is in ./initializers.ts; this file only samples tensors from the resolved
// distribution.
import { Tensor, empty, uniform_, normal_, noGrad, tidy, where } from '../engine/index.js';
import { resolveInitializer, type Fans, type Initializer } from './initializers.js';

export type { Initializer, Fans };
export { GLOROT_UNIFORM, ZEROS, ONES } from './initializers.js';

/** A new tensor of the given (PyTorch-layout) shape drawn from init with Keras' fans. */
export function initialize(shape: number[], init: Initializer, fans: Fans): Tensor {
  return noGrad(() => {
    const t = empty(shape);
    const sampling = resolveInitializer(init, fans);
    switch (sampling.distribution) {
      case 'constant':
        t.fill_(sampling.value);
        break;
      case 'uniform':
        uniform_(t, -sampling.limit, sampling.limit);
        break;
      case 'normal':
        normal_(t, 0, sampling.stddev);
        break;
      case 'truncated_normal':
        truncatedNormal_(t, sampling.stddev, sampling.bound);
        break;
    }
    return t;
  });
}

/** N(0, std²) restricted to ±bound, by redrawing the values that fall outside (as TensorFlow does). */
function truncatedNormal_(t: Tensor, std: number, bound: number): void {
  normal_(t, 0, std);
  for (let round = 0; round < 100; round++) {
    const done = tidy(() => {
      const outside = t.abs().gt(bound);
      if (outside.sum().item() === 0) return true;
      t.copy_(where(outside, normal_(empty(t.shape), 0, std), t));
      return false;
    });
    if (done) return;
  }
}

/** Keras' fans for a convolution kernel with the given output/input channels and kernel size. */
export function convFans(outChannels: number, inChannels: number, kh: number, kw: number): Fans {
  return { fanIn: inChannels * kh * kw, fanOut: outChannels * kh * kw };
}
