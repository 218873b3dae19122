// Training, evaluation, transfer learning, checkpoints and the benchmark of a training step.
export {
  train,
  type TrainEvents,
  type TrainOptions,
  type TrainResult,
  type BatchProgress,
} from './trainer.js';
export { evaluate, summarizeEvaluation, type Evaluation } from './evaluate.js';
export {
  DEFAULT_TRAIN_CONFIG,
  parseFreeze,
  parseSchedule,
  learningRateAt,
  upgradeTrainConfig,
  type TrainConfig,
  type LegacyTrainConfig,
  type Freeze,
  type Schedule,
} from './config.js';
export { TrainInputError } from './errors.js';
export { RunDir, readFinishedRun, isFinished, runMemoryFormat, type RunRecord } from './run-dir.js';
export type { RunSummary, RunIdentity } from './run-summary.js';
export { loadRunModel } from './load-run.js';
export { describeRun } from './prepare.js';
export { initFromRun, applyFreeze, blockPrefixes, headPrefix } from './transfer.js';
export { saveCheckpoint, loadCheckpoint, checkpointExists, type Progress } from './checkpoint.js';
export { recalibrateBatchNorm, type Recalibration } from './recalibrate.js';
export {
  trainStep,
  measureInference,
  measureRunInference,
  type InferenceLatency,
  type RunInferenceLatency,
} from './step.js';
export { benchModel, type BenchOptions, type BenchResult } from './bench-model.js';
export {
  isMemoryFormatSetting,
  MEMORY_FORMAT_SETTINGS,
  type MemoryFormat,
  type MemoryFormatSetting,
  type MemoryFormatChoice,
} from './memory-format.js';
export {
  chooseStepSettings,
  timeTrainingStep,
  type StepWorkload,
  type StepSettings,
  type StepChoice,
  type StepTimer,
} from './step-settings-choice.js';
export { chooseInferencePrecision, type InferenceWorkload } from './inference-precision.js';
export {
  isPrecisionSetting,
  describePrecision,
  type Precision,
  type PrecisionSetting,
  type PrecisionChoice,
} from './precision.js';
// The per-epoch record is measured by src/measure; re-exported because RunSummary holds it.
export type { EpochRecord } from '../measure/index.js';
export { predictImages, type Prediction, type PredictOptions } from './predict.js';
export { memoryLayouts, optimizerModel, predictPlanIn } from './memory-choice.js';
