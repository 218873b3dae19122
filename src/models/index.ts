// Architecture descriptions (a JSON-serialisable tree of layers), walking them, and building a module.
export {
  DESCRIPTION_SCHEMA,
  isResidual,
  type Block,
  type Branch,
  type ModelDescription,
  type Node,
  type NodeRole,
  type Sequence,
} from './description.js';
export { block, branch, residual, sequence } from './nodes.js';
export { findNode, layersOf, mapNodes, namesOf, nodesOf, requireNode, type Visit } from './walk.js';
export { buildModel, DescribedModel } from './build.js';
export { inferenceCopy, type InferenceCopy } from './inference-copy.js';
export { segmentsOf, type Segment } from './segments.js';
