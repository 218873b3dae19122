// The records of a search: its settings, each candidate's evaluation, each generation. Plain JSON, as
// the store keeps them and search.json shows them.
import type { TrainConfig } from '../train/index.js';
import type { Genome } from './space.js';

export const SEARCH_FORMAT = 'pareto-edge-search/1';

export type TimeObjective = 'epoch-time' | 'latency';

export interface SearchSettings {
  format: typeof SEARCH_FORMAT;
  family: string;
  /** The data the trials train on: `sourceData`, or the subset folder made from it. */
  data: string;
  /** The data as given (a folder made absolute, or a generated-set spec). */
  sourceData: string;
  /** Fraction of each split and class the trials use (1: all), seeded by `seed`. */
  subset: number;
  numClasses: number;
  /** Input sides the genomes may take (the largest is the seeds'). */
  inputSizes: number[];
  memoryBudgetBytes: number | null;
  latencyBudgetMs: number | null;
  paramBudget: number | null;
  /** Wall time for evaluations (training, latency, proxy), in seconds. */
  budgetS: number;
  /** Stop after this many generations even with budget left (null: the budget alone). */
  maxGenerations: number | null;
  objective: TimeObjective;
  seed: number;
  populationSize: number;
  /** Epochs of each successive-halving rung, increasing. */
  rungs: number[];
  /** Fraction of a rung's candidates promoted to the next. */
  keepFraction: number;
  /** Fraction of the new feasible offspring, by proxy score, that is trained at all (1: no pre-filter). */
  proxyKeep: number;
  /** Train the paper's four models at the last rung's settings, to place them on the report's axes. */
  references: boolean;
  /** Training settings of every trial (epochs and input size come from the rung and the genome). */
  train: Omit<TrainConfig, 'model' | 'data' | 'epochs' | 'inputSize' | 'initFrom'>;
}

export interface RungResult {
  epochs: number;
  valAcc: number;
  testAcc: number | null;
  meanEpochS: number;
  /** Measured allocator peak of the run. */
  peakTensorBytes: number;
  /** Wall time of this rung's training, in seconds. */
  trainS: number;
}

export interface CandidateRecord {
  hash: string;
  /** Seed name for the paper's model and the family's own, else the family and hash. */
  name: string;
  genome: Genome;
  params: number;
  macs: number;
  /** Predicted peak training memory at the search's batch size (src/analysis). */
  peakBytes: number;
  /** Why the candidate was not trained: over a budget, its transforms did not fit, training failed, or the proxy filtered it. */
  excluded: string | null;
  /** Sum of relative budget overshoots (Deb's constraint violation); 0 = within every budget. */
  violation: number;
  latencyMs: number | null;
  latencyS: number;
  proxy: number | null;
  proxyS: number;
  /** Successive-halving results, one per rung reached. */
  rungs: RungResult[];
  /** Run directory of its trials, relative to the search directory. */
  runDir: string | null;
}

export interface GenerationRecord {
  index: number;
  /** Hashes of the population after selection. */
  members: string[];
  /** Hashes of the non-dominated trained candidates seen so far. */
  front: string[];
  hypervolume: number;
  /** Evaluation time spent up to the end of this generation, in seconds. */
  spentS: number;
  /** Trials (candidate trainings to a rung) so far. */
  trials: number;
  /** Hypervolume reference in cost space (-accuracy, bytes, seconds or ms), fixed after generation 0. */
  reference: number[];
}

export interface ReferenceRecord {
  model: string;
  peakBytes: number;
  params: number;
  latencyMs: number | null;
  result: RungResult | null;
  excluded: string | null;
  runDir: string | null;
  /** Its predicted training memory is over the search's memory budget. */
  overBudget: boolean;
}
