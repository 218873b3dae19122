// Xception (Chollet 2017) as Keras' applications/xception.py builds it, laid out like the paper's
// Figure 5: an entry flow (stem + three downsampling blocks), a middle flow (eight identity-residual
// blocks) and an exit flow (one downsampling block, then two separable convs).
//
// Keras details kept: the two stem convs use padding 'valid' and no bias; every SeparableConv2D has
// use_bias=False and padding 'same'; the residual projections are Conv2D 1x1 stride 2 'same' without
// bias followed by BatchNormalization; block2 starts directly with its separable conv (the stem's
// ReLU precedes it) while every later block starts with a ReLU (pre-activation); BatchNormalization
// uses Keras defaults (momentum 0.99, epsilon 1e-3).
import type { Block, Node, Sequence } from './description.js';
import { residual, sequence } from './nodes.js';
import { activation, batchNorm, conv2d, maxPool, separableConv2d } from '../layers/index.js';

const ENTRY_WIDTHS = [128, 256, 728] as const;
const MIDDLE_WIDTH = 728;
const MIDDLE_BLOCKS = 8;

/** conv -> BN -> ReLU, Keras names {name}, {name}_bn, {name}_act. */
function stemConv(name: string, filters: number, strides: number): Node[] {
  return [
    conv2d(name, filters, 3, { strides, padding: 'valid', useBias: false }),
    batchNorm(`${name}_bn`),
    activation(`${name}_act`, 'relu'),
  ];
}

/** [ReLU] -> SeparableConv2D -> BN, Keras names {prefix}_sepconv{i}_act / _sepconv{i} / _sepconv{i}_bn. */
function sepConvUnit(prefix: string, index: number, filters: number, preActivation: boolean): Node[] {
  const name = `${prefix}_sepconv${index}`;
  return [
    ...(preActivation ? [activation(`${name}_act`, 'relu')] : []),
    separableConv2d(name, filters, 3, { padding: 'same', useBias: false }),
    batchNorm(`${name}_bn`),
  ];
}

/** Conv2D 1x1 stride 2 + BN on the shortcut, so the residual matches the pooled main path. */
function projection(prefix: string, filters: number): Node[] {
  return [
    conv2d(`${prefix}_residual_conv`, filters, 1, { strides: 2, padding: 'same', useBias: false }),
    batchNorm(`${prefix}_residual_bn`),
  ];
}

/** Two separable convs then MaxPool 3x3 stride 2, added to a strided 1x1 projection. */
function downsamplingBlock(index: number, widths: [number, number], startsWithRelu: boolean): Block {
  const prefix = `block${index}`;
  return residual(prefix, {
    main: [
      ...sepConvUnit(prefix, 1, widths[0], startsWithRelu),
      ...sepConvUnit(prefix, 2, widths[1], true),
      maxPool(`${prefix}_pool`, 3, { strides: 2, padding: 'same' }),
    ],
    shortcut: projection(prefix, widths[1]),
    add: `${prefix}_add`,
  });
}

function middleBlock(index: number): Block {
  const prefix = `block${index}`;
  return residual(prefix, {
    main: [1, 2, 3].flatMap((i) => sepConvUnit(prefix, i, MIDDLE_WIDTH, true)),
    shortcut: [],
    add: `${prefix}_add`,
  });
}

function xceptionEntryFlow(): Sequence {
  return sequence('entry_flow', 'flow', [
    sequence('block1', 'stem', [...stemConv('block1_conv1', 32, 2), ...stemConv('block1_conv2', 64, 1)]),
    ...ENTRY_WIDTHS.map((width, i) => downsamplingBlock(i + 2, [width, width], i > 0)),
  ]);
}

function xceptionMiddleFlow(): Sequence {
  return sequence(
    'middle_flow',
    'flow',
    Array.from({ length: MIDDLE_BLOCKS }, (_, i) => middleBlock(i + 5)),
  );
}

function xceptionExitFlow(): Sequence {
  const postActivated = (name: string, filters: number): Node[] => [
    separableConv2d(name, filters, 3, { padding: 'same', useBias: false }),
    batchNorm(`${name}_bn`),
    activation(`${name}_act`, 'relu'),
  ];
  return sequence('exit_flow', 'flow', [
    downsamplingBlock(13, [728, 1024], true),
    sequence('block14', 'top', [
      ...postActivated('block14_sepconv1', 1536),
      ...postActivated('block14_sepconv2', 2048),
    ]),
  ]);
}

/** Keras Xception without its classifier: 20,861,480 params (Keras convention). */
export function xceptionBackbone(): Node[] {
  return [xceptionEntryFlow(), xceptionMiddleFlow(), xceptionExitFlow()];
}
