// Training, evaluation and transfer learning.
export {
  train,
  type TrainEvents,
  type TrainOptions,
  type TrainResult,
  type BatchProgress,
} from './trainer.js';
export { evaluate, type Evaluation } from './evaluate.js';
export {
  DEFAULT_TRAIN_CONFIG,
  parseFreeze,
  parseSchedule,
  learningRateAt,
  type TrainConfig,
  type Freeze,
  type Schedule,
} from './config.js';
export { TrainInputError } from './errors.js';
export { RunDir, readFinishedRun, isFinished, type RunRecord } from './run-dir.js';
export type { RunSummary, RunIdentity } from './run-summary.js';
// The per-epoch record is measured by src/measure; re-exported because RunSummary holds it.
export type { EpochRecord } from '../measure/index.js';
