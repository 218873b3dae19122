// `--precision` of eval and predict: the precision the run's inference copy (BatchNorm folded)
// computes its forward pass in. `auto` times a batch's forward pass in fp32 and bf16 on this machine,
// now, and keeps the faster: a few forward passes, cheap enough not to cache (training's auto caches
// because each candidate costs training steps: ./step-settings-choice.ts).
import { noGrad, randn, readCpuFlags, tidy, type Tensor } from '../engine/index.js';
import { measureLatency } from '../measure/index.js';
import { tensorFormat, type MemoryFormat } from './memory-format.js';
import {
  inferIn,
  precisionCandidates,
  unmeasuredPrecision,
  type Precision,
  type PrecisionChoice,
  type PrecisionSetting,
} from './precision.js';

/** The forward pass whose time decides `auto`. */
export interface InferenceWorkload {
  model: { forward(x: Tensor): Tensor };
  inputSize: number;
  memoryFormat: MemoryFormat;
  batchSize: number;
}

/** Median time of a forward pass of a batch in a precision, ms. */
export type InferenceTimer = (precision: Precision, workload: InferenceWorkload) => number;

/** The precision a setting means for the model's inference on this machine (bf16 refused without support). */
export function chooseInferencePrecision(
  setting: PrecisionSetting,
  workload: InferenceWorkload,
  {
    measure = timeInference,
    cpuFlags = readCpuFlags,
  }: { measure?: InferenceTimer; cpuFlags?: () => Set<string> } = {},
): PrecisionChoice {
  const fixed = unmeasuredPrecision(setting, precisionCandidates(setting, cpuFlags));
  if (fixed) return fixed;
  const stepMs = { fp32: measure('fp32', workload), bf16: measure('bf16', workload) };
  // Ties go to fp32 (no rounding).
  const precision = stepMs.bf16 < stepMs.fp32 ? 'bf16' : 'fp32';
  return { precision, chosen: 'measured', stepMs, cached: false };
}

/** One warm-up and three timed forward passes of a random batch (the model in inference mode); the median. */
export function timeInference(precision: Precision, w: InferenceWorkload): number {
  return noGrad(() =>
    tidy(() => {
      const x = randn([w.batchSize, 3, w.inputSize, w.inputSize]).contiguous(tensorFormat(w.memoryFormat));
      const forward = () =>
        tidy(() =>
          inferIn(precision, () => w.model.forward(x))
            .sum()
            .item(),
        );
      return measureLatency(forward, { warmup: 1, iterations: 3 }).medianMs;
    }),
  );
}
