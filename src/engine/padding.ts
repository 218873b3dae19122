// TensorFlow's padding rules, which Keras models follow and PyTorch does not: 'same' pads so that
// output = ceil(input / stride), and when the total is odd the extra row/column goes at the end
// (bottom/right). PyTorch can only pad symmetrically inside conv/pool, so the asymmetric case pads
// explicitly first.
import { integers } from './arguments.js';

/** 'same' | 'valid' | symmetric (one number, or [h, w]) | explicit [[top, bottom], [left, right]]. */
export type Padding = 'same' | 'valid' | number | [number, number] | [[number, number], [number, number]];

/** [before, after] padding for each of height and width. */
export type SpatialPads = [[number, number], [number, number]];

function pair(value: number | [number, number]): [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}

export function resolvePadding(
  padding: Padding,
  inputHW: [number, number],
  kernel: [number, number],
  stride: [number, number],
  dilation: [number, number] = [1, 1],
): SpatialPads {
  if (typeof padding !== 'string') integers([padding].flat(2), 'padding');
  if (padding === 'valid')
    return [
      [0, 0],
      [0, 0],
    ];
  if (Array.isArray(padding) && Array.isArray(padding[0])) {
    const [[top, bottom], [left, right]] = padding as [[number, number], [number, number]];
    return [
      [top, bottom],
      [left, right],
    ];
  }
  if (padding !== 'same') {
    const [ph, pw] = pair(padding as number | [number, number]);
    return [
      [ph, ph],
      [pw, pw],
    ];
  }
  return [
    samePadding(inputHW[0], kernel[0], stride[0], dilation[0]),
    samePadding(inputHW[1], kernel[1], stride[1], dilation[1]),
  ];
}

/** TensorFlow 'same' padding of one axis: [before, after], the odd pixel after. */
export function samePadding(size: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const out = Math.ceil(size / stride);
  const effectiveKernel = (kernel - 1) * dilation + 1;
  const total = Math.max((out - 1) * stride + effectiveKernel - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

export function isSymmetric(pads: SpatialPads): boolean {
  return pads[0][0] === pads[0][1] && pads[1][0] === pads[1][1];
}

/** The torch pad list (last dimension first) for NCHW tensors. */
export function torchPadList(pads: SpatialPads): number[] {
  return [pads[1][0], pads[1][1], pads[0][0], pads[0][1]];
}
