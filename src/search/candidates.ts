// A genome's free evaluation: its description, parameters, MACs and predicted peak training memory
// under the search's memory plan from src/analysis (no tensors), and how far it is over the memory
// and parameter budgets.
import { summarize } from '../analysis/index.js';
import type { ModelDescription } from '../models/description.js';
import { memoryLayouts, optimizerModel, predictPlanIn } from '../train/index.js';
import { trainingView } from '../zoo/model-file.js';
import { decode, descriptionHash, type Genome, type SearchSpace } from './space.js';
import type { SearchSettings } from './types.js';

export interface Analysis {
  hash: string;
  /** The whole model (with preprocessing), as front/<k>.json holds it. */
  description: ModelDescription;
  params: number;
  macs: number;
  peakBytes: number;
  /** Relative overshoot of the memory and parameter budgets (0 within both). */
  violation: number;
  excluded: string | null;
}

export type Budgets = Pick<SearchSettings, 'memoryBudgetBytes' | 'paramBudget' | 'numClasses' | 'train'>;

/**
 * Predicted peak training memory of a training description under the trials' memory plan, batch,
 * optimizer, precision and memory format: what the memory objective and the memory budget are about.
 */
export function predictedPeakBytes(training: ModelDescription, train: SearchSettings['train']): number {
  const options = { batchSize: train.batchSize, optimizer: optimizerModel(train) };
  return predictPlanIn(training, train.memoryPlan, options, memoryLayouts(train)).peakBytes;
}

/** Analyse a genome; `{ error }` when its transforms do not fit together (the message says why). */
export function analyseGenome(
  space: SearchSpace,
  genome: Genome,
  budgets: Budgets,
): Analysis | { error: string } {
  let description: ModelDescription;
  try {
    description = decode(space, genome, { numClasses: budgets.numClasses });
  } catch (error) {
    return { error: (error as Error).message };
  }
  const training = trainingView(description);
  const summary = summarize(training, { batchSize: budgets.train.batchSize });
  const peakBytes = predictedPeakBytes(training, budgets.train);
  const params = summary.params.total;
  const over: string[] = [];
  let violation = 0;
  if (budgets.memoryBudgetBytes !== null && peakBytes > budgets.memoryBudgetBytes) {
    violation += peakBytes / budgets.memoryBudgetBytes - 1;
    over.push('memory');
  }
  if (budgets.paramBudget !== null && params > budgets.paramBudget) {
    violation += params / budgets.paramBudget - 1;
    over.push('parameter');
  }
  return {
    hash: descriptionHash(description),
    description,
    params,
    macs: summary.macs,
    peakBytes,
    violation,
    excluded: over.length > 0 ? `over the ${over.join(' and ')} budget` : null,
  };
}
