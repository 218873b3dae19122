// SqueezeNet 1.1 (Iandola et al. 2016; torchvision's squeezenet1_1): the network whose three
// parameter-reduction strategies the paper applies to Xception. A 3x3 stride-2 stem, then fire
// modules — a 1x1 squeeze, then 1x1 and 3x3 expands side by side, concatenated — between three
// max pools. It has no BatchNormalization; its convs carry biases. The zoo adds the paper's common head
// (GlobalAveragePooling -> Dropout -> Dense) instead of SqueezeNet's conv classifier, as the paper does
// for every model it compares.
import type { Node } from './description.js';
import { block, branch, sequence } from './nodes.js';
import { activation, concatenate, conv2d, maxPool } from '../layers/index.js';

/** [squeeze, expand] filters of fire2 … fire9 (each expand is half 1x1, half 3x3). */
const FIRES: readonly (readonly [number, number])[] = [
  [16, 64],
  [16, 64],
  [32, 128],
  [32, 128],
  [48, 192],
  [48, 192],
  [64, 256],
  [64, 256],
];

/** SqueezeNet 1.1 pools after the stem, after fire3 and after fire5. */
const POOL_AFTER = new Set(['fire3', 'fire5']);

function fire(name: string, squeeze: number, expand: number): Node {
  const expandPath = (kernel: 1 | 3): Node[] => [
    conv2d(`${name}_expand${kernel}x${kernel}`, expand, kernel, { padding: kernel === 3 ? 'same' : 'valid' }),
    activation(`${name}_expand${kernel}x${kernel}_relu`, 'relu'),
  ];
  return sequence(name, 'fire', [
    conv2d(`${name}_squeeze1x1`, squeeze, 1),
    activation(`${name}_squeeze1x1_relu`, 'relu'),
    block(
      `${name}_expand`,
      'block',
      [branch('expand1x1', expandPath(1)), branch('expand3x3', expandPath(3))],
      concatenate(`${name}_concat`),
    ),
  ]);
}

export function squeezeNetBackbone(): Node[] {
  const fires = FIRES.flatMap(([squeeze, expand], i): Node[] => {
    const name = `fire${i + 2}`;
    const pool = POOL_AFTER.has(name) ? [maxPool(`${name}_pool`, 3, { strides: 2 })] : [];
    return [fire(name, squeeze, expand), ...pool];
  });
  return [
    sequence('stem', 'stem', [
      conv2d('conv1', 64, 3, { strides: 2 }),
      activation('conv1_relu', 'relu'),
      maxPool('pool1', 3, { strides: 2 }),
    ]),
    sequence('features', 'flow', fires),
  ];
}
