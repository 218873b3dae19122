// The tensor engine: libtorch through a thin N-API addon, with a TypeScript API.
export { Tensor, type MemoryFormat } from './tensor.js';
export type { DType, TypedArray } from './dtype.js';
export * from './creation.js';
export { noGrad, isGradEnabled } from './autograd.js';
export { autocast, isAutocastEnabled, type AutocastDtype } from './autocast.js';
export { tidy, keep, dispose, lifetimeStats } from './lifetime.js';
export * as F from './functional.js';
export type { Padding } from './padding.js';
export {
  SGD,
  Adam,
  AdamW,
  Optimizer,
  type OptimizerState,
  type NamedParameters,
  BFLOAT16_UPDATE_CHUNK,
  type MomentDtype,
} from './optim.js';
export { stochasticRoundToBfloat16 } from './stochastic-rounding.js';
export { saveSafetensors, loadSafetensors, readSafetensorsHeader, SafetensorsError } from './safetensors.js';
export * from './runtime.js';
export { DEFAULT_SPIN_COUNT, describeWaitPolicy } from './wait-policy.js';
export { readCpuFlags, bf16Support, BF16_FLAGS } from './cpu-features.js';
