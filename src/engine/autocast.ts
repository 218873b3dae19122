// Mixed precision through libtorch's own CPU autocast, driven as PyTorch 1.13's torch.autocast('cpu')
// context manager drives it (torch/amp/autocast_mode.py): inside the region, convolutions and matrix
// products run in the lower-precision dtype and ops autocast lists as float32 (losses among them) in
// float32, while parameters stay whatever they are (float32 master weights). The weights' casts are
// cached for the region and dropped when the outermost region exits.
import { native } from './native.js';

/** The lower-precision dtypes libtorch 1.13's CPU autocast runs. */
export type AutocastDtype = 'bfloat16';

/** Runs fn with CPU autocast to dtype, restoring the previous autocast state afterwards. */
export function autocast<T>(fn: () => T, dtype: AutocastDtype = 'bfloat16'): T {
  const previous = { enabled: native.isAutocastCpuEnabled(), dtype: native.autocastCpuDtype() };
  native.setAutocastCpuEnabled(true);
  native.setAutocastCpuDtype(dtype);
  native.autocastIncrementNesting();
  try {
    const result = fn();
    if (result instanceof Promise) {
      throw new Error('autocast() received an async function; keep the block synchronous');
    }
    return result;
  } finally {
    // As PyTorch: the cache of cast weights goes when the outermost region exits, so the next step
    // casts the updated weights again.
    if (native.autocastDecrementNesting() === 0) native.clearAutocastCache();
    native.setAutocastCpuEnabled(previous.enabled);
    native.setAutocastCpuDtype(previous.dtype);
  }
}

/** Whether CPU autocast is on (inside an autocast() region). */
export function isAutocastEnabled(): boolean {
  return native.isAutocastCpuEnabled();
}
