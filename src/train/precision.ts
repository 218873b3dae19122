// The precision a training step computes in (docs/precision.md). bf16 is libtorch's CPU autocast to
// bfloat16 around the forward pass and the loss: convolutions and matrix products in bfloat16, the loss
// in float32 (autocast's float32 list), parameters, gradients, optimizer state and BatchNorm's running
// statistics in float32 (autocast casts weights per step, it never changes them). Backward runs
// outside the region, as PyTorch recommends: each op's backward in the dtype its forward ran in.
import { autocast, bf16Support, readCpuFlags, type Tensor } from '../engine/index.js';
import { TrainInputError } from './errors.js';

/** What a step computes in. */
export type Precision = 'fp32' | 'bf16';
/**
 * What --precision asks for: auto is bf16 where the CPU has bfloat16 instructions and a step of the
 * run's model measures faster in it (./step-settings-choice.ts), fp32 elsewhere.
 */
export type PrecisionSetting = Precision | 'auto';

export const PRECISIONS: readonly Precision[] = ['fp32', 'bf16'];
export const PRECISION_SETTINGS: readonly PrecisionSetting[] = ['auto', ...PRECISIONS];

export function isPrecisionSetting(text: string): text is PrecisionSetting {
  return (PRECISION_SETTINGS as readonly string[]).includes(text);
}

/** What ran and why (run.json's, bench's, eval's and predict's `precision`). */
export type PrecisionChoice =
  | { precision: Precision; chosen: 'forced' }
  /** auto on a CPU without bfloat16 instructions: fp32, nothing measured. */
  | { precision: 'fp32'; chosen: 'unsupported' }
  | {
      precision: Precision;
      chosen: 'measured';
      /** Median time in each precision (in the memory format that ran), ms. */
      stepMs: Record<Precision, number>;
      /** The times were measured earlier on this machine for the same workload (the cache). */
      cached: boolean;
    };

/**
 * The precisions a setting leaves to choose from on this CPU: bf16 is refused where the CPU reports
 * no bfloat16 instructions (its only purpose is their speed: without them libtorch converts through
 * float32), and auto then has only fp32.
 */
export function precisionCandidates(
  setting: PrecisionSetting,
  cpuFlags: () => Set<string> = readCpuFlags,
): Precision[] {
  if (setting === 'fp32') return ['fp32'];
  const supported = bf16Support(cpuFlags()).length > 0;
  if (setting === 'auto') return supported ? [...PRECISIONS] : ['fp32'];
  if (!supported) {
    throw new TrainInputError(
      '--precision bf16 needs a CPU with bfloat16 instructions (avx512_bf16 or amx_bf16 on x86, bf16 on Arm), ' +
        'and this one reports none (see `pareto-edge doctor`): use --precision fp32, or auto to use bf16 only where it is supported and faster',
    );
  }
  return ['bf16'];
}

/** The choice of a setting that leaves nothing to measure (fp32, bf16, or auto without bf16 support). */
export function unmeasuredPrecision(
  setting: PrecisionSetting,
  candidates: Precision[],
): PrecisionChoice | null {
  if (candidates.length > 1) return null;
  return setting === 'auto'
    ? { precision: 'fp32', chosen: 'unsupported' }
    : { precision: candidates[0]!, chosen: 'forced' };
}

/** One line: the precision and, when measured, both times. */
export function describePrecision(choice: PrecisionChoice, what = 'training step'): string {
  if (choice.chosen === 'forced') return `${choice.precision} (as asked)`;
  if (choice.chosen === 'unsupported') return 'fp32 (auto: this CPU reports no bfloat16 instructions)';
  const other = choice.precision === 'fp32' ? 'bf16' : 'fp32';
  const ms = (p: Precision) => `${choice.stepMs[p].toFixed(1)} ms`;
  return (
    `${choice.precision}, measured faster: ${ms(choice.precision)} per ${what} against ${ms(other)} in ${other}` +
    (choice.cached ? ' (measured earlier on this machine)' : '')
  );
}

/** Runs a forward pass (and its loss) in the precision. */
export function inPrecision<T>(precision: Precision, forward: () => T): T {
  return precision === 'bf16' ? autocast(forward, 'bfloat16') : forward();
}

/**
 * An inference forward pass in the precision, its output in float32 (so losses, softmax and argmax
 * downstream compute as in fp32): eval's and predict's.
 */
export function inferIn(precision: Precision, forward: () => Tensor): Tensor {
  return precision === 'bf16' ? autocast(forward, 'bfloat16').to('float32') : forward();
}
