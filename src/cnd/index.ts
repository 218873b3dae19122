// Compact network design: transforms of a description (the paper's three strategies), layer
// selectors, and the recipes that derive the zoo's optimized models.
export { TransformError, compose, pipe, requireBlock, type Transform } from './edit.js';
export {
  blocksIn,
  both,
  firstConvOfBlocks,
  inside,
  kernelIs,
  selectLayerNames,
  type LayerPredicate,
  type LayerSelector,
} from './select.js';
export { replace3x3With1x1 } from './strategy1.js';
export {
  FireRuleError,
  checkFireRule,
  fireFor,
  fireModule,
  setBlockWidth,
  type FireModuleOptions,
  type FireShape,
} from './strategy2.js';
export { keepBlocks, scaleWidths } from './depth-width.js';
export { delayDownsampling, type DelayDownsamplingOptions } from './strategy3.js';
export { paperCodeQuirks } from './paper-code-quirks.js';
export {
  PAPER_FIRE,
  SQUEEZENET_FIRE,
  identityResidualBlocks,
  mobileNetV2FireRecipe,
  mobileNetV2LateDownsamplingRecipe,
  xceptionLiteRecipe,
  type XceptionLiteOptions,
} from './recipes.js';
