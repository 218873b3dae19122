// EfficientNetV2 B0/B1 (Tan & Le 2021) as Keras' applications/efficientnet_v2.py builds them: a
// stem, a block table of Fused-MBConv and MBConv stages (scaled in width and depth), a 1x1 top conv.
//
// Keras details kept: every conv and the depthwise kernels use CONV_KERNEL_INITIALIZER
// (variance_scaling 2.0, fan_out, truncated normal) and no bias, except the squeeze-excite convs,
// which have biases (zeros) and fused swish / sigmoid activations; BatchNormalization uses momentum
// 0.9 (bn_momentum) and Keras' default epsilon 1e-3; all padding is 'same'; round_filters rounds
// width * coefficient to a multiple of 8 (no 10% rule, unlike MobileNetV2) and round_repeats takes
// ceil(depth * repeats); the squeeze-excite width is max(1, int(input_filters * se_ratio)) of the
// block's *input* filters; a block with stride 1 and equal in/out filters gets a per-sample Dropout
// of rate drop_connect_rate * b / blocks (b = global block index, blocks = the unscaled repeat sum;
// skipped when 0) and a residual Add.
import type { Node } from './description.js';
import type { Initializer } from '../nn/initializers.js';
import { block, branch, residual, sequence } from './nodes.js';
import {
  activation,
  batchNorm,
  conv2d,
  depthwiseConv2d,
  dropout,
  globalAveragePool,
  multiply,
  normalization,
  rescaling,
  reshape,
} from '../layers/index.js';

/** Keras CONV_KERNEL_INITIALIZER. */
const CONV_KERNEL_INITIALIZER: Initializer = {
  name: 'variance_scaling',
  scale: 2.0,
  mode: 'fan_out',
  distribution: 'truncated_normal',
};

/** One row of the block table (Keras DEFAULT_BLOCKS_ARGS). */
export interface EfficientNetV2Stage {
  convType: 'fused' | 'mbconv';
  expandRatio: number;
  kernelSize: number;
  strides: number;
  inputFilters: number;
  outputFilters: number;
  repeats: number;
  seRatio: number;
}

/** The B0-B3 table (identical for all four; the variants differ only in scaling coefficients). */
const EFFICIENTNET_V2_B_STAGES: readonly EfficientNetV2Stage[] = [
  {
    convType: 'fused',
    expandRatio: 1,
    kernelSize: 3,
    strides: 1,
    inputFilters: 32,
    outputFilters: 16,
    repeats: 1,
    seRatio: 0,
  },
  {
    convType: 'fused',
    expandRatio: 4,
    kernelSize: 3,
    strides: 2,
    inputFilters: 16,
    outputFilters: 32,
    repeats: 2,
    seRatio: 0,
  },
  {
    convType: 'fused',
    expandRatio: 4,
    kernelSize: 3,
    strides: 2,
    inputFilters: 32,
    outputFilters: 48,
    repeats: 2,
    seRatio: 0,
  },
  {
    convType: 'mbconv',
    expandRatio: 4,
    kernelSize: 3,
    strides: 2,
    inputFilters: 48,
    outputFilters: 96,
    repeats: 3,
    seRatio: 0.25,
  },
  {
    convType: 'mbconv',
    expandRatio: 6,
    kernelSize: 3,
    strides: 1,
    inputFilters: 96,
    outputFilters: 112,
    repeats: 5,
    seRatio: 0.25,
  },
  {
    convType: 'mbconv',
    expandRatio: 6,
    kernelSize: 3,
    strides: 2,
    inputFilters: 112,
    outputFilters: 192,
    repeats: 8,
    seRatio: 0.25,
  },
];

export interface EfficientNetV2Variant {
  widthCoefficient: number;
  depthCoefficient: number;
  /** Keras' default input size for the variant (informational). */
  defaultSize: number;
}

export const EFFICIENTNET_V2_VARIANTS = {
  b0: { widthCoefficient: 1.0, depthCoefficient: 1.0, defaultSize: 224 },
  b1: { widthCoefficient: 1.0, depthCoefficient: 1.1, defaultSize: 240 },
} as const satisfies Record<string, EfficientNetV2Variant>;

const DEPTH_DIVISOR = 8;
const MIN_DEPTH = 8;
const BN = { momentum: 0.9 };
const DROP_CONNECT_RATE = 0.2;
/** ImageNet statistics of Keras' Normalization layer for the B variants (inputs scaled to [0, 1] first). */
const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_VARIANCE = [0.229 ** 2, 0.224 ** 2, 0.225 ** 2];

/** Keras round_filters: nearest multiple of 8 of filters * width, at least 8. */
function roundFilters(filters: number, widthCoefficient: number): number {
  const scaled = filters * widthCoefficient;
  return Math.max(
    MIN_DEPTH,
    Math.floor(Math.trunc(scaled + DEPTH_DIVISOR / 2) / DEPTH_DIVISOR) * DEPTH_DIVISOR,
  );
}

/** Keras round_repeats: ceil(depth * repeats), in the same double arithmetic as Python (1.1 * 3 = 3.3000000000000003 -> 4). */
function roundRepeats(repeats: number, depthCoefficient: number): number {
  return Math.ceil(depthCoefficient * repeats);
}

function convBnAct(
  name: string,
  filters: number,
  kernel: number,
  strides: number,
  act: 'swish' | null,
  bnName: string,
  actName: string,
): Node[] {
  return [
    conv2d(name, filters, kernel, {
      strides,
      padding: 'same',
      useBias: false,
      kernelInitializer: CONV_KERNEL_INITIALIZER,
    }),
    batchNorm(bnName, BN),
    ...(act ? [activation(actName, act)] : []),
  ];
}

/** x * sigmoid(W2 swish(W1 GAP(x))): a Multiply block with an identity branch and an excite branch. */
function squeezeExcite(prefix: string, filters: number, seFilters: number): Node {
  return block(
    `${prefix}se`,
    'squeeze-excite',
    [
      branch('input', []),
      branch('excite', [
        globalAveragePool(`${prefix}se_squeeze`),
        reshape(`${prefix}se_reshape`, [1, 1, filters]),
        conv2d(`${prefix}se_reduce`, seFilters, 1, {
          padding: 'same',
          activation: 'swish',
          kernelInitializer: CONV_KERNEL_INITIALIZER,
        }),
        conv2d(`${prefix}se_expand`, filters, 1, {
          padding: 'same',
          activation: 'sigmoid',
          kernelInitializer: CONV_KERNEL_INITIALIZER,
        }),
      ]),
    ],
    multiply(`${prefix}se_excite`),
  );
}

interface BlockArgs {
  prefix: string;
  convType: 'fused' | 'mbconv';
  inputFilters: number;
  outputFilters: number;
  expandRatio: number;
  kernelSize: number;
  strides: number;
  seRatio: number;
  dropRate: number;
}

/** MBConvBlock / FusedMBConvBlock of the Keras source, as one description node. */
function efficientBlock(a: BlockArgs): Node {
  const filters = a.inputFilters * a.expandRatio;
  const p = a.prefix;
  const main: Node[] = [];
  if (a.convType === 'mbconv') {
    if (a.expandRatio !== 1)
      main.push(
        ...convBnAct(`${p}expand_conv`, filters, 1, 1, 'swish', `${p}expand_bn`, `${p}expand_activation`),
      );
    main.push(
      depthwiseConv2d(`${p}dwconv2`, a.kernelSize, {
        strides: a.strides,
        padding: 'same',
        useBias: false,
        depthwiseInitializer: CONV_KERNEL_INITIALIZER,
      }),
      batchNorm(`${p}bn`, BN),
      activation(`${p}activation`, 'swish'),
    );
  } else if (a.expandRatio !== 1) {
    main.push(
      ...convBnAct(
        `${p}expand_conv`,
        filters,
        a.kernelSize,
        a.strides,
        'swish',
        `${p}expand_bn`,
        `${p}expand_activation`,
      ),
    );
  }
  if (a.seRatio > 0 && a.seRatio <= 1)
    main.push(squeezeExcite(p, filters, Math.max(1, Math.trunc(a.inputFilters * a.seRatio))));
  // Fused blocks without expansion do their spatial conv in the "project" conv, followed by swish.
  const fusedNoExpand = a.convType === 'fused' && a.expandRatio === 1;
  main.push(
    ...convBnAct(
      `${p}project_conv`,
      a.outputFilters,
      fusedNoExpand ? a.kernelSize : 1,
      fusedNoExpand ? a.strides : 1,
      fusedNoExpand ? 'swish' : null,
      `${p}project_bn`,
      `${p}project_activation`,
    ),
  );
  const name = p.slice(0, -1);
  if (a.strides === 1 && a.inputFilters === a.outputFilters) {
    if (a.dropRate > 0) main.push(dropout(`${p}drop`, a.dropRate, 'per-sample'));
    return residual(name, { main, shortcut: [], add: `${p}add` });
  }
  return sequence(name, 'block', main);
}

/** Keras' include_preprocessing for the B variants: Rescaling(1/255) then ImageNet Normalization (no weights). */
export function efficientNetV2Preprocessing(): Node {
  return sequence('preprocessing', 'preprocessing', [
    rescaling('rescaling', 1 / 255),
    normalization('normalization', IMAGENET_MEAN, IMAGENET_VARIANCE),
  ]);
}

/** Keras EfficientNetV2 B-variant without its classifier. */
export function efficientNetV2Backbone(variant: EfficientNetV2Variant): Node[] {
  const stages = EFFICIENTNET_V2_B_STAGES;
  const width = (f: number): number => roundFilters(f, variant.widthCoefficient);
  const nodes: Node[] = [
    sequence(
      'stem',
      'stem',
      convBnAct('stem_conv', width(stages[0]!.inputFilters), 3, 2, 'swish', 'stem_bn', 'stem_activation'),
    ),
  ];
  const unscaledBlocks = stages.reduce((sum, s) => sum + s.repeats, 0);
  let b = 0;
  for (const [i, stage] of stages.entries()) {
    const repeats = roundRepeats(stage.repeats, variant.depthCoefficient);
    const blocks: Node[] = [];
    for (let j = 0; j < repeats; j++) {
      blocks.push(
        efficientBlock({
          prefix: `block${i + 1}${String.fromCharCode(97 + j)}_`,
          convType: stage.convType,
          inputFilters: j === 0 ? width(stage.inputFilters) : width(stage.outputFilters),
          outputFilters: width(stage.outputFilters),
          expandRatio: stage.expandRatio,
          kernelSize: stage.kernelSize,
          strides: j === 0 ? stage.strides : 1,
          seRatio: stage.seRatio,
          dropRate: (DROP_CONNECT_RATE * b) / unscaledBlocks,
        }),
      );
      b++;
    }
    nodes.push(sequence(`block${i + 1}`, 'stage', blocks));
  }
  nodes.push(
    sequence('top', 'top', convBnAct('top_conv', width(1280), 1, 1, 'swish', 'top_bn', 'top_activation')),
  );
  return nodes;
}
