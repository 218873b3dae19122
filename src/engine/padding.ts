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
  const pads = [0, 1].map((axis) => {
    const size = inputHW[axis];
    const out = Math.ceil(size / stride[axis]);
    const effectiveKernel = (kernel[axis] - 1) * dilation[axis] + 1;
    const total = Math.max((out - 1) * stride[axis] + effectiveKernel - size, 0);
    const before = Math.floor(total / 2);
    return [before, total - before] as [number, number];
  });
  return [pads[0], pads[1]];
}

export function isSymmetric(pads: SpatialPads): boolean {
  return pads[0][0] === pads[0][1] && pads[1][0] === pads[1][1];
}

/** The torch pad list (last dimension first) for NCHW tensors. */
export function torchPadList(pads: SpatialPads): number[] {
  return [pads[1][0], pads[1][1], pads[0][0], pads[0][1]];
}
