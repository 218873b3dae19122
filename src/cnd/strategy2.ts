// SqueezeNet Strategy 2: decrease the number of input channels to 3x3 filters.
// - fireModule: a block's main path becomes a fire module: a 1x1 squeeze layer (s1x1 filters) feeding
//   a 1x1 expand (e1x1) and a 3x3 expand (e3x3), keeping the rule s1x1 < e1x1 + e3x3 (paper eq. 3.2).
//   'sequential' chains squeeze -> expand1x1 -> expand3x3, as the paper's code does (so its 3x3 sees
//   e1x1 channels); 'parallel' is SqueezeNet's own: both expands read the squeeze output and are
//   concatenated (e1x1 + e3x3 channels out).
// - setBlockWidth: narrow (or widen) a block, e.g. the paper's 512 instead of 728 at the end of
//   Xception's entry flow, which also narrows what every following layer receives.
import { type Block, isResidual, type ModelDescription, type Node } from '../models/description.js';
import {
  isConv,
  type ActivationLayer,
  type BatchNormalizationLayer,
  type Conv2DLayer,
  type ConvLayer,
  type SeparableConv2DLayer,
} from '../layers/index.js';
import { block, branch } from '../models/nodes.js';
import { activation, concatenate, conv2d, separableConv2d } from '../layers/index.js';
import { nodesOf } from '../models/walk.js';
import { channelsOf } from '../layers/index.js';
import { checked, editCopy, nodeShapes, requireBlock, TransformError } from './edit.js';

export interface FireModuleOptions {
  squeeze: number;
  expand1x1: number;
  expand3x3: number;
  /** Default 'sequential' (the paper's code). */
  arrangement?: 'sequential' | 'parallel';
}

/** A fire module's proportions, for a block of any width (the search's genes). */
export interface FireShape {
  /** s1x1 as a fraction of the block's width. */
  squeezeRatio: number;
  /** The share of the expand filters that are 1x1: e1x1 / (e1x1 + e3x3). */
  expandSplit: number;
  arrangement: 'sequential' | 'parallel';
}

/**
 * The fire module of these proportions for a block carrying `width` channels on an identity shortcut:
 * its output must be `width` wide, so 'sequential' has e3x3 = width (the paper: squeeze 0.5, split
 * 0.5 gives 256, 512, 512 at width 512) and 'parallel' splits width between the expands (SqueezeNet).
 */
export function fireFor(width: number, shape: FireShape): FireModuleOptions {
  const { squeezeRatio, expandSplit, arrangement } = shape;
  if (!(expandSplit > 0 && expandSplit < 1))
    throw new FireRuleError(
      `fire module expand split must be between 0 and 1 (exclusive); got ${expandSplit}`,
    );
  const squeeze = Math.max(1, Math.floor(width * squeezeRatio));
  if (arrangement === 'sequential')
    return {
      squeeze,
      expand1x1: Math.max(1, Math.round((width * expandSplit) / (1 - expandSplit))),
      expand3x3: width,
      arrangement,
    };
  const expand3x3 = Math.max(1, Math.floor(width * (1 - expandSplit)));
  return { squeeze, expand1x1: width - expand3x3, expand3x3, arrangement };
}

/** Broken s1x1 < e1x1 + e3x3, or a non-positive width. */
export class FireRuleError extends TransformError {
  override name = 'FireRuleError';
}

export function checkFireRule(o: FireModuleOptions): void {
  for (const [label, value] of [
    ['squeeze', o.squeeze],
    ['expand1x1', o.expand1x1],
    ['expand3x3', o.expand3x3],
  ] as const)
    if (!Number.isInteger(value) || value < 1)
      throw new FireRuleError(`fire module ${label} must be a whole number of filters >= 1; got ${value}`);
  if (!(o.squeeze < o.expand1x1 + o.expand3x3))
    throw new FireRuleError(
      `fire module rule s1x1 < e1x1 + e3x3 broken: squeeze ${o.squeeze} is not less than ` +
        `expand1x1 ${o.expand1x1} + expand3x3 ${o.expand3x3} = ${o.expand1x1 + o.expand3x3}`,
    );
}

/** How a block's conv units look, read from its main path so the fire module matches the family. */
interface UnitStyle {
  conv: ConvLayer;
  norm: BatchNormalizationLayer | undefined;
  act: ActivationLayer['activation'] | undefined;
  /** Activation before the conv (Xception) or after the normalisation (MobileNetV2). */
  preActivation: boolean;
}

function unitStyleOf(blockNode: Block): UnitStyle {
  const main = blockNode.branches.find((b) => b.name === 'main');
  if (!main) throw new TransformError(`fire module: block '${blockNode.name}' has no 'main' branch`);
  const flat = nodesOf(main.layers).map((v) => v.node);
  const convIndex = flat.findIndex((n) => n.kind === 'Conv2D' || n.kind === 'SeparableConv2D');
  if (convIndex < 0)
    throw new TransformError(
      `fire module: block '${blockNode.name}' has no Conv2D or SeparableConv2D on its main path`,
    );
  const firstAct = flat.findIndex((n) => n.kind === 'Activation');
  const norm = flat.find((n): n is BatchNormalizationLayer => n.kind === 'BatchNormalization');
  return {
    conv: flat[convIndex] as ConvLayer,
    norm,
    act: firstAct >= 0 ? (flat[firstAct] as ActivationLayer).activation : undefined,
    preActivation: firstAct >= 0 && firstAct < convIndex,
  };
}

/** One conv unit in the block's style, 'same' padding, stride 1. */
function unit(style: UnitStyle, name: string, filters: number, kernel: number): Node[] {
  const template = style.conv;
  const conv =
    template.kind === 'SeparableConv2D'
      ? separableConv2d(name, filters, kernel, {
          padding: 'same',
          useBias: template.useBias,
          depthwiseInitializer: template.depthwiseInitializer,
          pointwiseInitializer: template.pointwiseInitializer,
          biasInitializer: template.biasInitializer,
        })
      : conv2d(name, filters, kernel, {
          padding: 'same',
          useBias: template.useBias,
          kernelInitializer:
            template.kind === 'Conv2D' ? template.kernelInitializer : template.depthwiseInitializer,
          biasInitializer: template.biasInitializer,
        });
  const norm = style.norm ? [{ ...structuredClone(style.norm), name: `${name}_bn` }] : [];
  const act = style.act ? [activation(`${name}_act`, style.act)] : [];
  return style.preActivation ? [...act, conv, ...norm] : [conv, ...norm, ...act];
}

const KEPT_AFTER_UNITS = new Set<Node['kind']>(['MaxPooling2D', 'AveragePooling2D', 'Dropout']);

/**
 * Turn each named block's main path into a fire module in the block's own style (conv kind,
 * normalisation, activation and its position, bias, initializers). Trailing pooling and dropout
 * layers of the main path are kept; the shortcut is untouched, so with an identity shortcut the
 * module's output width (e3x3 sequential, e1x1 + e3x3 parallel) must equal the block's input width.
 */
export function fireModule(
  description: ModelDescription,
  blocks: readonly string[],
  options: FireModuleOptions,
): ModelDescription {
  checkFireRule(options);
  const arrangement = options.arrangement ?? 'sequential';
  if (blocks.length === 0) throw new TransformError('fire module: no blocks selected');
  const shapes = nodeShapes(description);
  const copy = editCopy(
    description,
    `strategy2.fireModule(${blocks.join(', ')}; squeeze ${options.squeeze}, expand1x1 ${options.expand1x1}, ` +
      `expand3x3 ${options.expand3x3}, ${arrangement})`,
  );
  for (const name of blocks) {
    const target = requireBlock(copy, name);
    const style = unitStyleOf(target);
    const main = target.branches.find((b) => b.name === 'main')!;
    const shortcut = target.branches.find((b) => b.name === 'shortcut');
    const out = arrangement === 'sequential' ? options.expand3x3 : options.expand1x1 + options.expand3x3;
    const inWidth = channelsOf(shapes.get(name)!.input);
    if (shortcut && shortcut.layers.length === 0 && out !== inWidth)
      throw new TransformError(
        `fire module on ${name}: its identity shortcut carries ${inWidth} channels but the ${arrangement} ` +
          `fire module would output ${out} (${arrangement === 'sequential' ? 'e3x3' : 'e1x1 + e3x3'}); ` +
          `choose expands giving ${inWidth}`,
      );
    const trailing: Node[] = [];
    while (main.layers.length > 0 && KEPT_AFTER_UNITS.has(main.layers[main.layers.length - 1]!.kind))
      trailing.unshift(main.layers.pop()!);
    const squeeze = unit(style, `${name}_squeeze`, options.squeeze, 1);
    const expand1 = unit(style, `${name}_expand1x1`, options.expand1x1, 1);
    const expand3 = unit(style, `${name}_expand3x3`, options.expand3x3, 3);
    main.layers =
      arrangement === 'sequential'
        ? [...squeeze, ...expand1, ...expand3, ...trailing]
        : [
            ...squeeze,
            block(
              `${name}_expand`,
              'fire',
              [branch('expand1x1', expand1), branch('expand3x3', expand3)],
              concatenate(`${name}_expand_concat`),
            ),
            ...trailing,
          ];
    target.role = 'fire';
  }
  return checked(copy);
}

/**
 * Set the width of the residual stream from a block on: every Conv2D / SeparableConv2D inside the
 * block that produces the block's current output width now produces `width` (in Xception: both
 * separable convs and the residual projection), and so do those of the identity-residual blocks that
 * follow and carry the same stream (Xception's middle flow), since an identity shortcut forces their
 * output width to equal their input width. The stream ends at the next layer or block that sets its
 * own width (a projection shortcut, a conv outside a block); input widths after it are inferred.
 */
export function setBlockWidth(
  description: ModelDescription,
  blockName: string,
  width: number,
): ModelDescription {
  if (!Number.isInteger(width) || width < 1)
    throw new TransformError(`block width must be a whole number >= 1; got ${width}`);
  const shapes = nodeShapes(description);
  requireBlock(description, blockName);
  const current = channelsOf(shapes.get(blockName)!.output);
  const copy = editCopy(description, `strategy2.setBlockWidth(${blockName}: ${current} -> ${width})`);
  const stream = [
    requireBlock(copy, blockName),
    ...followingIdentityBlocks(copy, blockName, current, shapes),
  ];
  for (const b of stream) {
    const producers = nodesOf([b])
      .map((v) => v.node)
      .filter(
        (n): n is Conv2DLayer | SeparableConv2DLayer =>
          (n.kind === 'Conv2D' || n.kind === 'SeparableConv2D') && n.filters === current,
      );
    if (producers.length === 0)
      throw new TransformError(`setBlockWidth: no conv in ${b.name} produces its ${current} channels`);
    for (const conv of producers) conv.filters = width;
  }
  return checked(copy);
}

/** Identity-residual blocks right after `start` that carry its `channels`-wide output along. */
function followingIdentityBlocks(
  description: ModelDescription,
  start: string,
  channels: number,
  shapes: ReturnType<typeof nodeShapes>,
): Block[] {
  const order = nodesOf(description.layers);
  const startIndex = order.findIndex((v) => v.node.name === start);
  const found: Block[] = [];
  const inside = new Set<string>([start]);
  for (const { node, path } of order.slice(startIndex + 1)) {
    if (path.some((p) => inside.has(p))) continue; // descendants of a block already taken
    if (isResidual(node) && node.branches.find((b) => b.name === 'shortcut')!.layers.length === 0) {
      if (channelsOf(shapes.get(node.name)!.input) !== channels) break;
      found.push(node);
      inside.add(node.name);
      continue;
    }
    if (node.kind === 'Sequence') continue;
    if (isConv(node) || node.kind === 'Dense' || node.kind === 'Block') break;
  }
  return found;
}
