// MobileNetV2 (Sandler et al. 2018) as Keras' applications/mobilenet_v2.py builds it: a stem conv,
// 17 inverted residual blocks from the paper's Table 2, and a 1x1 conv to 1280 channels.
//
// Keras details kept: BatchNormalization everywhere uses epsilon 1e-3 and momentum 0.999; no conv has
// a bias; ReLU6 activations; the project conv is linear (no activation); block 0 has no expand conv
// and Keras names it "expanded_conv"; stride-2 depthwise convs are preceded by ZeroPadding2D
// (imagenet_utils.correct_pad) and use padding 'valid', stride-1 ones use 'same'; the expand width is
// expansion * input channels (not rounded), the block output width is _make_divisible(filters * alpha, 8);
// the last conv is 1280 wide unless alpha > 1.
import type { Node } from './description.js';
import { residual, sequence } from './nodes.js';
import { activation, batchNorm, conv2d, depthwiseConv2d, zeroPadding } from '../layers/index.js';

/** One row of the inverted residual table: `repeats` blocks, the first with `stride`. */
export interface InvertedResidualStage {
  expansion: number;
  filters: number;
  repeats: number;
  stride: number;
}

/** Sandler et al., Table 2 (t, c, n, s), as the Keras source lists its 17 blocks. */
const MOBILENET_V2_STAGES: readonly InvertedResidualStage[] = [
  { expansion: 1, filters: 16, repeats: 1, stride: 1 },
  { expansion: 6, filters: 24, repeats: 2, stride: 2 },
  { expansion: 6, filters: 32, repeats: 3, stride: 2 },
  { expansion: 6, filters: 64, repeats: 4, stride: 2 },
  { expansion: 6, filters: 96, repeats: 3, stride: 1 },
  { expansion: 6, filters: 160, repeats: 3, stride: 2 },
  { expansion: 6, filters: 320, repeats: 1, stride: 1 },
];

/** The alphas Keras publishes weights for; other positive values are allowed. */
export const MOBILENET_V2_ALPHAS = [0.35, 0.5, 0.75, 1.0, 1.3, 1.4] as const;

/** Keras/TF-slim _make_divisible: round to the nearest multiple of divisor, never more than 10% down. */
export function makeDivisible(value: number, divisor: number, minValue = divisor): number {
  let rounded = Math.max(minValue, Math.floor(Math.trunc(value + divisor / 2) / divisor) * divisor);
  if (rounded < 0.9 * value) rounded += divisor;
  return rounded;
}

/**
 * imagenet_utils.correct_pad for a stride-2 kernel: ((k//2 - adjust, k//2), ...) with adjust = 1 for
 * an even size. Together with padding 'valid' it reproduces TensorFlow 'same' for stride 2.
 */
function correctPad(height: number, width: number, kernel: number): [[number, number], [number, number]] {
  const half = Math.floor(kernel / 2);
  return [
    [half - (1 - (height % 2)), half],
    [half - (1 - (width % 2)), half],
  ];
}

const BN = { epsilon: 1e-3, momentum: 0.999 };

interface BlockSpec {
  id: number;
  inChannels: number;
  expansion: number;
  outChannels: number;
  stride: number;
  /** Spatial size entering the block (needed by correct_pad). */
  height: number;
  width: number;
}

function invertedResidualBlock(spec: BlockSpec): Node {
  const prefix = spec.id === 0 ? 'expanded_conv_' : `block_${spec.id}_`;
  const expanded = spec.expansion * spec.inChannels;
  const layers: Node[] = [];
  if (spec.id !== 0) {
    layers.push(
      conv2d(`${prefix}expand`, expanded, 1, { padding: 'same', useBias: false }),
      batchNorm(`${prefix}expand_BN`, BN),
      activation(`${prefix}expand_relu`, 'relu6'),
    );
  }
  if (spec.stride === 2) layers.push(zeroPadding(`${prefix}pad`, correctPad(spec.height, spec.width, 3)));
  layers.push(
    depthwiseConv2d(`${prefix}depthwise`, 3, {
      strides: spec.stride,
      padding: spec.stride === 1 ? 'same' : 'valid',
      useBias: false,
    }),
    batchNorm(`${prefix}depthwise_BN`, BN),
    activation(`${prefix}depthwise_relu`, 'relu6'),
    conv2d(`${prefix}project`, spec.outChannels, 1, { padding: 'same', useBias: false }),
    batchNorm(`${prefix}project_BN`, BN),
  );
  const name = spec.id === 0 ? 'expanded_conv' : `block_${spec.id}`;
  if (spec.inChannels === spec.outChannels && spec.stride === 1)
    return residual(name, { main: layers, shortcut: [], add: `${prefix}add`, order: 'shortcut-first' });
  return sequence(name, 'block', layers);
}

/** Keras MobileNetV2 without its classifier; `height`/`width` is the input size (for correct_pad). */
export function mobileNetV2Backbone(alpha: number, height: number, width: number): Node[] {
  if (!(alpha > 0)) throw new RangeError(`MobileNetV2 alpha must be > 0, got ${alpha}`);
  const stemFilters = makeDivisible(32 * alpha, 8);
  const nodes: Node[] = [
    sequence('stem', 'stem', [
      conv2d('Conv1', stemFilters, 3, { strides: 2, padding: 'same', useBias: false }),
      batchNorm('bn_Conv1', BN),
      activation('Conv1_relu', 'relu6'),
    ]),
  ];
  let channels = stemFilters;
  let h = Math.ceil(height / 2);
  let w = Math.ceil(width / 2);
  let id = 0;
  for (const [stageIndex, stage] of MOBILENET_V2_STAGES.entries()) {
    const outChannels = makeDivisible(Math.trunc(stage.filters * alpha), 8);
    const blocks: Node[] = [];
    for (let r = 0; r < stage.repeats; r++) {
      const stride = r === 0 ? stage.stride : 1;
      blocks.push(
        invertedResidualBlock({
          id,
          inChannels: channels,
          expansion: stage.expansion,
          outChannels,
          stride,
          height: h,
          width: w,
        }),
      );
      if (stride === 2) {
        h = Math.ceil(h / 2);
        w = Math.ceil(w / 2);
      }
      channels = outChannels;
      id++;
    }
    nodes.push(sequence(`stage${stageIndex + 1}`, 'stage', blocks));
  }
  const lastFilters = alpha > 1 ? makeDivisible(1280 * alpha, 8) : 1280;
  nodes.push(
    sequence('top', 'top', [
      conv2d('Conv_1', lastFilters, 1, { useBias: false }),
      batchNorm('Conv_1_bn', BN),
      activation('out_relu', 'relu6'),
    ]),
  );
  return nodes;
}
