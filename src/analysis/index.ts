// What a description costs before it runs: shapes, parameters, MACs and predicted training memory.
export { inferShapes, descriptionInputShape, type ShapedLayer } from './shapes.js';
export { lowerToOps, type LayerCost, type Op, type OpGraph, type TensorInfo } from './ops.js';
export {
  ADAM,
  ADAM_BF16_MOMENTS,
  DEFAULT_MEMORY_PRESET,
  LIBTORCH_KEEP_RULES,
  MEMORY_PRESETS,
  inferencePeak,
  sgd,
  simulate,
  trainingMemory,
  type ActivationFormat,
  type ComputePrecision,
  type KeepRules,
  type MemoryOptions,
  type MemoryPreset,
  type MemoryPresetName,
  type OptimizerModel,
  type TrainingMemory,
} from './memory.js';
export { summarize, type ModelSummary } from './summary.js';
export {
  DEFAULT_MEMORY_PLAN,
  MemoryPlanError,
  candidatePlans,
  formatMemoryPlan,
  isDefaultPlan,
  isOrdinaryStep,
  changesLearning,
  parseMemoryPlan,
  type MemoryPlan,
} from './memory-plan.js';
export {
  MICROBATCH_OVERHEAD,
  PREDICTION_MARGIN,
  budgetFor,
  choosePlan,
  predictPlan,
  predictPlans,
  type PlanChoice,
  type PlanOptions,
  type PlanPrediction,
} from './plan-memory.js';
