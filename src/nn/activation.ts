// Activation functions by Keras name.
import { Tensor, F, scalar, tidy, where } from '../engine/index.js';

export type ActivationKind = 'relu' | 'relu6' | 'swish' | 'sigmoid' | 'linear';

/** Applies an activation; 'linear' (or none) returns x itself. */
export function activate(x: Tensor, kind: ActivationKind = 'linear'): Tensor {
  switch (kind) {
    case 'relu':
      return F.relu(x);
    case 'relu6':
      // float32 keeps libtorch's one-kernel relu6 (and the memory model's account of it).
      return x.dtype === 'bfloat16' ? relu6FromRelu(x) : F.relu6(x);
    case 'swish':
      return F.silu(x);
    case 'sigmoid':
      return F.sigmoid(x);
    case 'linear':
      return x;
  }
}

/**
 * relu6 from ops with bfloat16 backward kernels: libtorch 1.13's relu6 is hardtanh, whose backward has
 * no bfloat16 kernel ("hardshrink_backward_cpu" not implemented for 'BFloat16'), so bf16 autocast
 * cannot train MobileNetV2 through it. where(x < 6, relu(x), 6) gives the same values exactly and the
 * same gradient as hardtanh's: 1 where 0 < x < 6 (relu's mask, then where's), 0 elsewhere, x = 0 and
 * x = 6 included.
 */
export function relu6FromRelu(x: Tensor): Tensor {
  return tidy(() => where(x.lt(6), F.relu(x), scalar(6, { dtype: x.dtype })));
}
