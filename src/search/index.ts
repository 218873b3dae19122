// Architecture search over the compact-network-design space (the paper's future work).
export { kendallTau } from './kendall.js';
export {
  INPUT_GENE,
  MOBILENET_V2_SPACE,
  SPACES,
  XCEPTION_SPACE,
  decode,
  descriptionHash,
  genomeKey,
  spaceFor,
  type Gene,
  type GeneValue,
  type Genome,
  type SearchSpace,
  type Step,
} from './space.js';
export { analyseGenome, type Analysis } from './candidates.js';
export { runSearch, type SearchOptions, type SearchOutcome, type SearchProgress } from './search.js';
export { SqliteSearchStore, type SearchStore } from './store.js';
export { writeSearchOutputs, proxyCorrelation, type SearchRecordFile } from './output.js';
export {
  STORE_FILE,
  SearchInputError,
  checkBudgetsReachable,
  resumeSearch,
  startSearch,
  type SearchRequest,
  type SessionOptions,
} from './session.js';
export * from './types.js';
export { readSearchRecord, writeSearchReport } from './report.js';
