// The precision a training step computes in (docs/precision.md). bf16 is libtorch's CPU autocast to
// bfloat16 around the forward pass and the loss: convolutions and matrix products in bfloat16, the loss
// in float32 (autocast's float32 list), parameters, gradients, optimizer state and BatchNorm's running
// statistics in float32 (autocast casts weights per step, it never changes them). Backward runs
// outside the region, as PyTorch recommends: each op's backward in the dtype its forward ran in.
import { autocast, bf16Support, readCpuFlags } from '../engine/index.js';
import { TrainInputError } from './errors.js';

/** What a step computes in. */
export type Precision = 'fp32' | 'bf16';
/** What --precision asks for: auto resolves to bf16 where the CPU has bfloat16 instructions. */
export type PrecisionSetting = Precision | 'auto';

export const PRECISION_SETTINGS: readonly PrecisionSetting[] = ['auto', 'fp32', 'bf16'];

export function isPrecisionSetting(text: string): text is PrecisionSetting {
  return (PRECISION_SETTINGS as readonly string[]).includes(text);
}

/**
 * The precision a setting means on this CPU. bf16 is refused where the CPU reports no bfloat16
 * instructions: its only purpose is their speed (without them libtorch converts through float32).
 * auto picks bf16 wherever the CPU has them; whether bf16 also measures faster there is not checked yet.
 */
export function resolvePrecision(
  setting: PrecisionSetting,
  cpuFlags: () => Set<string> = readCpuFlags,
): Precision {
  if (setting === 'fp32') return 'fp32';
  const supported = bf16Support(cpuFlags()).length > 0;
  if (setting === 'auto') return supported ? 'bf16' : 'fp32';
  if (!supported) {
    throw new TrainInputError(
      '--precision bf16 needs a CPU with bfloat16 instructions (avx512_bf16 or amx_bf16 on x86, bf16 on Arm), ' +
        'and this one reports none (see `pareto-edge doctor`): use --precision fp32, or auto to use bf16 only where it is supported',
    );
  }
  return 'bf16';
}

/** Runs a forward pass (and its loss) in the precision. */
export function inPrecision<T>(precision: Precision, forward: () => T): T {
  return precision === 'bf16' ? autocast(forward, 'bfloat16') : forward();
}
