// Pareto analysis over any numeric objectives: dominance, fronts and ranks, hypervolume, quadrants.
export {
  assertObjectives,
  costOf,
  scoreOf,
  type Direction,
  type Objective,
  type Scores,
} from './objective.js';
export { dominates, dominatorsOf, nonDominatedIndices, nonDominatedSort, paretoRanks } from './dominance.js';
export { hypervolume, hypervolumeContributions, nadirReference } from './hypervolume.js';
export {
  PAPER_ACCURACY_FRONTIER,
  classifyQuadrant,
  desirableQuadrantLabel,
  midpointFrontier,
  type Level,
  type Quadrant,
  type QuadrantAxis,
} from './quadrants.js';
export {
  binaryTournament,
  constrainedDominates,
  crowdedBetter,
  crowdingDistance,
  fastNonDominatedSort,
  nsga2,
  rankAndCrowd,
  selectSurvivors,
  type Evaluated,
  type Nsga2Options,
  type Nsga2Problem,
  type Ranked,
} from './nsga2.js';
