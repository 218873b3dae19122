// Recipes: the transform sequences that derive the registered variants. xception-lite is the paper's
// section 3.3 applied to Keras Xception; the MobileNetV2 variants apply the same strategies to a
// family the paper did not try.
import { channelsOf } from '../layers/index.js';
import { isResidual, type ModelDescription } from '../models/description.js';
import { nodesOf } from '../models/walk.js';
import { nodeShapes, pipe, type Transform } from './edit.js';
import { paperCodeQuirks } from './paper-code-quirks.js';
import { blocksIn, firstConvOfBlocks } from './select.js';
import { replace3x3With1x1 } from './strategy1.js';
import { fireFor, fireModule, setBlockWidth, type FireModuleOptions, type FireShape } from './strategy2.js';
import { delayDownsampling } from './strategy3.js';

export interface XceptionLiteOptions {
  /** Strategy 1 on the first separable conv of every entry- and exit-flow block (default true). */
  strategy1?: boolean;
  /** Width at the end of the entry flow (paper 512; Keras 728). */
  entryWidth?: number;
  /** Fire module of the middle flow (paper: squeeze 256, expand 512 + 512, sequential). */
  fire?: FireModuleOptions;
  /** The paper code's incidental differences (default true; false gives the strategies alone). */
  quirks?: boolean;
}

export const PAPER_FIRE: Required<FireModuleOptions> = {
  squeeze: 256,
  expand1x1: 512,
  expand3x3: 512,
  arrangement: 'sequential',
};

/**
 * The paper's optimized Xception from Keras Xception: Strategy 1 on blocks 2, 3, 4 and 13; Strategy 2
 * as entry width 512 and a fire module in each middle block; then the paper code's quirks.
 */
export function xceptionLiteRecipe(
  xception: ModelDescription,
  options: XceptionLiteOptions = {},
): ModelDescription {
  const steps: Transform[] = [];
  if (options.strategy1 ?? true)
    steps.push((d) => replace3x3With1x1(d, firstConvOfBlocks(d, blocksIn(d, ['entry_flow', 'exit_flow']))));
  const entryBlocks = blocksIn(xception, ['entry_flow']);
  steps.push((d) => setBlockWidth(d, entryBlocks[entryBlocks.length - 1]!, options.entryWidth ?? 512));
  steps.push((d) => fireModule(d, blocksIn(d, ['middle_flow']), options.fire ?? PAPER_FIRE));
  if (options.quirks ?? true) steps.push(paperCodeQuirks);
  return pipe(xception, ...steps);
}

/** Identity-residual blocks, in order. */
export function identityResidualBlocks(description: ModelDescription): string[] {
  return nodesOf(description.layers)
    .map((v) => v.node)
    .filter((n) => isResidual(n) && n.branches.find((b) => b.name === 'shortcut')!.layers.length === 0)
    .map((n) => n.name);
}

/**
 * MobileNetV2 whose identity-residual blocks (expand 1x1 -> depthwise 3x3 -> project 1x1, c channels)
 * become SqueezeNet fire modules in the block's own style (Conv2D + BN + ReLU6): squeeze c/4, then
 * parallel expand 1x1 and standard 3x3 conv of c/2 each, concatenated back to c. SqueezeNet's squeeze
 * ratio 0.25 and 50% 3x3 filters; the linear bottleneck becomes ReLU6-activated.
 */
export function mobileNetV2FireRecipe(mobilenet: ModelDescription): ModelDescription {
  const shapes = nodeShapes(mobilenet);
  return pipe(
    mobilenet,
    ...identityResidualBlocks(mobilenet).map(
      (name): Transform =>
        (d) =>
          fireModule(d, [name], fireFor(channelsOf(shapes.get(name)!.input), SQUEEZENET_FIRE)),
    ),
  );
}

/** SqueezeNet's proportions: squeeze ratio 0.25, half the expand filters 3x3, in parallel. */
export const SQUEEZENET_FIRE: FireShape = { squeezeRatio: 0.25, expandSplit: 0.5, arrangement: 'parallel' };

/**
 * MobileNetV2 with its first two downsamplings delayed (Strategy 3): block_1's stride goes to a max
 * pool after block_2, block_3's to one after block_5, so stages 2 and 3 run at twice the resolution.
 */
export function mobileNetV2LateDownsamplingRecipe(mobilenet: ModelDescription): ModelDescription {
  return pipe(
    mobilenet,
    (d) => delayDownsampling(d, { from: 'block_1', after: 'block_2' }),
    (d) => delayDownsampling(d, { from: 'block_3', after: 'block_5' }),
  );
}
