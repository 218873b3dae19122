// What convolutions and pools share: a kernel window sliding with strides over (height, width),
// padded by TensorFlow's rules (src/engine/padding.ts holds the one 'same' computation).
import { isSymmetric, resolvePadding } from '../engine/padding.js';
import {
  requireSpatial,
  ShapeError,
  type LayerFields,
  type Lowering,
  type OnnxAttribute,
  type OnnxGraph,
  type Pair,
  type Padding,
  type Shape,
} from './layer.js';

export interface Window {
  kernel: Pair;
  strides: Pair;
  dilation: Pair;
  padding: Padding;
}

/** Output (height, width) of the window over the input, or a ShapeError when it does not fit. */
export function windowOutput(layer: LayerFields, input: Shape, window: Window): Pair {
  const [height, width] = requireSpatial(layer, input);
  const pads = resolvePadding(
    window.padding,
    [height, width],
    window.kernel,
    window.strides,
    window.dilation,
  );
  const [h, w] = ([0, 1] as const).map((axis) => {
    const effective = (window.kernel[axis] - 1) * window.dilation[axis] + 1;
    const padded = input[axis]! + pads[axis][0] + pads[axis][1];
    return Math.floor((padded - effective) / window.strides[axis]) + 1;
  }) as [number, number];
  if (h < 1 || w < 1)
    throw new ShapeError(
      `${layer.name} (${layer.kind}, kernel ${window.kernel.join('x')}, padding ${JSON.stringify(window.padding)}) ` +
        `does not fit its ${height}x${width} input: the input image is too small for this model`,
    );
  return [h, w];
}

/**
 * libtorch convs and pools pad symmetrically only, so asymmetric padding (TensorFlow 'same' with
 * stride 2 on an even size, or explicit) is a separate 'pad' op whose output the conv or pool keeps.
 */
export function lowerPadding(x: number, lowering: Lowering, window: Window): number {
  const input = lowering.shapeOf(x);
  if (window.padding === 'valid' || input.length !== 3) return x;
  const pads = resolvePadding(
    window.padding,
    [input[0], input[1]],
    window.kernel,
    window.strides,
    window.dilation,
  );
  if (isSymmetric(pads)) return x;
  const padded: Shape = [input[0] + pads[0][0] + pads[0][1], input[1] + pads[1][0] + pads[1][1], input[2]];
  return lowering.emit('pad', [x], padded);
}

/** Output pixels per channel of a spatial shape (1 for a flat vector). */
export function pixelsOf(shape: Shape): number {
  return shape.length === 3 ? shape[0] * shape[1] : 1;
}

/**
 * ONNX's window attributes of a conv or pool on an input of `input` (channels-last): the padding
 * resolved to explicit [top, left, bottom, right], so TensorFlow's asymmetric 'same' is exact.
 */
export function onnxWindow(window: Window, input: Shape): Record<string, OnnxAttribute> {
  const pads = resolvePadding(
    window.padding,
    [input[0], input[1] ?? 1],
    window.kernel,
    window.strides,
    window.dilation,
  );
  return {
    kernel_shape: { ints: window.kernel },
    strides: { ints: window.strides },
    pads: { ints: [pads[0][0], pads[1][0], pads[0][1], pads[1][1]] },
  };
}

/** An ONNX Conv of x with initializers `weight` and `bias` (if any), padded as the window says. */
export function onnxConv(
  graph: OnnxGraph,
  x: string,
  window: Window,
  input: Shape,
  groups: number,
  weight: string,
  bias: string | null,
): string {
  return graph.node('Conv', bias === null ? [x, weight] : [x, weight, bias], {
    ...onnxWindow(window, input),
    dilations: { ints: window.dilation },
    group: { int: groups },
  });
}
