// The model zoo: a name and options give a checked description; display names and paper rows.
export {
  PAPER_MODELS,
  ModelOptionsError,
  checkDescription,
  describeModel,
  displayName,
  listModels,
  modelInfo,
  modelNames,
  type ModelInfo,
  type ModelOptions,
} from './registry.js';
export { ModelFileError, describeModelFile, isModelFile, readModelFile, trainingView } from './model-file.js';
