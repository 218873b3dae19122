// A miniature of Xception's entry flow for smoke tests and first looks at a data set: a strided stem
// and three downsampling blocks of separable convs with projected residuals (about 25k parameters
// before the head). Its BatchNormalization uses momentum 0.9 so the moving statistics settle within a
// short run (Keras' 0.99 needs hundreds of steps before evaluation-mode outputs mean anything).
import type { Node } from './description.js';
import { residual, sequence } from './nodes.js';
import { activation, batchNorm, conv2d, maxPool, separableConv2d } from '../layers/index.js';

const MOMENTUM = 0.9;
const WIDTHS = [32, 64, 128] as const;

function miniBlock(index: number, width: number): Node {
  const p = `mini_block${index}`;
  return residual(p, {
    main: [
      activation(`${p}_sepconv1_act`, 'relu'),
      separableConv2d(`${p}_sepconv1`, width, 3, { padding: 'same', useBias: false }),
      batchNorm(`${p}_sepconv1_bn`, { momentum: MOMENTUM }),
      activation(`${p}_sepconv2_act`, 'relu'),
      separableConv2d(`${p}_sepconv2`, width, 3, { padding: 'same', useBias: false }),
      batchNorm(`${p}_sepconv2_bn`, { momentum: MOMENTUM }),
      maxPool(`${p}_pool`, 3, { strides: 2, padding: 'same' }),
    ],
    shortcut: [
      conv2d(`${p}_residual_conv`, width, 1, { strides: 2, padding: 'same', useBias: false }),
      batchNorm(`${p}_residual_bn`, { momentum: MOMENTUM }),
    ],
    add: `${p}_add`,
  });
}

export function xceptionMiniBackbone(): Node[] {
  return [
    sequence('stem', 'stem', [
      conv2d('stem_conv', 16, 3, { strides: 2, padding: 'same', useBias: false }),
      batchNorm('stem_bn', { momentum: MOMENTUM }),
      activation('stem_act', 'relu'),
    ]),
    sequence(
      'flow',
      'flow',
      WIDTHS.map((width, i) => miniBlock(i + 1, width)),
    ),
  ];
}
