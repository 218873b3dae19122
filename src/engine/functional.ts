// Functional neural-network operations with Keras/TensorFlow semantics where they differ from
// PyTorch's (padding). Inputs are NCHW tensors, in contiguous or channels_last memory format.
import { native } from './native.js';
import { Tensor } from './tensor.js';
import { resolvePadding, isSymmetric, torchPadList, type Padding, type SpatialPads } from './padding.js';
import { integer, integers, positiveInteger, positivePair } from './arguments.js';

export interface Conv2dOptions {
  stride?: number | [number, number];
  padding?: Padding;
  dilation?: number | [number, number];
  groups?: number;
}

function spatial(x: Tensor): [number, number] {
  const shape = x.shape;
  if (shape.length !== 4) throw new Error(`expected a 4-D NCHW tensor, got shape [${shape.join(', ')}]`);
  return [shape[2], shape[3]];
}

/** Pads x's spatial dims explicitly when 'same' needs asymmetric padding; returns what conv/pool should still pad. */
function applyPadding(
  x: Tensor,
  padding: Padding,
  kernel: [number, number],
  stride: [number, number],
  dilation: [number, number],
  fill: number,
): { input: Tensor; inner: [number, number] } {
  const pads = resolvePadding(padding, spatial(x), kernel, stride, dilation);
  if (isSymmetric(pads)) return { input: x, inner: [pads[0][0], pads[1][0]] };
  return { input: new Tensor(native.pad(x.handle, torchPadList(pads), fill)), inner: [0, 0] };
}

export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const stride = positivePair(options.stride ?? 1, 'stride');
  const dilation = positivePair(options.dilation ?? 1, 'dilation');
  const groups = positiveInteger(options.groups ?? 1, 'groups');
  const kernel: [number, number] = [weight.shape[2], weight.shape[3]];
  const { input, inner } = applyPadding(x, options.padding ?? 0, kernel, stride, dilation, 0);
  try {
    return new Tensor(
      native.conv2d(input.handle, weight.handle, bias?.handle, stride, inner, dilation, groups),
    );
  } finally {
    if (input !== x) input.dispose();
  }
}

export interface Pool2dOptions {
  stride?: number | [number, number];
  padding?: Padding;
}

export function maxPool2d(x: Tensor, kernel: number | [number, number], options: Pool2dOptions = {}): Tensor {
  const k = positivePair(kernel, 'kernel');
  const stride = positivePair(options.stride ?? kernel, 'stride');
  // Padded cells must never win the max, as in TensorFlow.
  const { input, inner } = applyPadding(x, options.padding ?? 0, k, stride, [1, 1], -Infinity);
  try {
    return new Tensor(native.maxPool2d(input.handle, k, stride, inner, [1, 1], false));
  } finally {
    if (input !== x) input.dispose();
  }
}

/** Average pooling; padded cells are excluded from the average, as in TensorFlow. */
export function avgPool2d(x: Tensor, kernel: number | [number, number], options: Pool2dOptions = {}): Tensor {
  const k = positivePair(kernel, 'kernel');
  const stride = positivePair(options.stride ?? kernel, 'stride');
  const pads = resolvePadding(options.padding ?? 0, spatial(x), k, stride);
  if (isSymmetric(pads)) {
    return new Tensor(native.avgPool2d(x.handle, k, stride, [pads[0][0], pads[1][0]], false, false));
  }
  // Asymmetric: window sums over zero padding, divided by the number of real cells in each window.
  const padList = torchPadList(pads);
  const paddedX = new Tensor(native.pad(x.handle, padList, 0));
  const ones = new Tensor(native.ones([1, 1, ...spatial(x)], x.dtype, x.device));
  const paddedOnes = new Tensor(native.pad(ones.handle, padList, 0));
  const sums = new Tensor(native.avgPool2d(paddedX.handle, k, stride, [0, 0], false, true));
  const counts = new Tensor(native.avgPool2d(paddedOnes.handle, k, stride, [0, 0], false, true));
  try {
    return sums.div(counts);
  } finally {
    for (const t of [paddedX, ones, paddedOnes, sums, counts]) t.dispose();
  }
}

/** Mean over the spatial dimensions: [N, C, H, W] → [N, C]. */
export function globalAvgPool2d(x: Tensor): Tensor {
  return new Tensor(native.mean(x.handle, [2, 3], false));
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  training: boolean;
  /** Keras' momentum: the weight of the old running statistic (0.99 by default). */
  momentum?: number;
  eps?: number;
}

/** Batch normalisation; in training it uses batch statistics and updates the running ones in place. */
export function batchNorm(x: Tensor, options: BatchNormOptions): Tensor {
  const kerasMomentum = options.momentum ?? 0.99;
  return new Tensor(
    native.batchNorm(
      x.handle,
      options.weight?.handle,
      options.bias?.handle,
      options.runningMean?.handle,
      options.runningVar?.handle,
      options.training,
      1 - kerasMomentum,
      options.eps ?? 1e-3,
    ),
  );
}

export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return new Tensor(native.linear(x.handle, weight.handle, bias?.handle));
}

export function relu(x: Tensor): Tensor {
  return new Tensor(native.relu(x.handle));
}

export function relu6(x: Tensor): Tensor {
  return new Tensor(native.relu6(x.handle));
}

/** Swish / SiLU: x · sigmoid(x). */
export function silu(x: Tensor): Tensor {
  return new Tensor(native.silu(x.handle));
}

export function sigmoid(x: Tensor): Tensor {
  return new Tensor(native.sigmoid(x.handle));
}

export function dropout(x: Tensor, rate: number, training: boolean): Tensor {
  if (!training || rate === 0) return x.clone();
  return new Tensor(native.dropout(x.handle, rate, true));
}

export function softmax(x: Tensor, dim = -1): Tensor {
  return new Tensor(native.softmax(x.handle, integer(dim, 'dim')));
}

export function logSoftmax(x: Tensor, dim = -1): Tensor {
  return new Tensor(native.logSoftmax(x.handle, integer(dim, 'dim')));
}

export type Reduction = 'mean' | 'sum' | 'none';

/** Cross-entropy from logits and int64 class indices (softmax is applied inside, once). */
export function crossEntropy(
  logits: Tensor,
  labels: Tensor,
  { reduction = 'mean', labelSmoothing = 0 }: { reduction?: Reduction; labelSmoothing?: number } = {},
): Tensor {
  return new Tensor(native.crossEntropy(logits.handle, labels.handle, reduction, labelSmoothing));
}

/** Binary cross-entropy from logits and float 0/1 targets of the same shape. */
export function binaryCrossEntropyWithLogits(
  logits: Tensor,
  targets: Tensor,
  { reduction = 'mean' }: { reduction?: Reduction } = {},
): Tensor {
  return new Tensor(native.binaryCrossEntropyWithLogits(logits.handle, targets.handle, reduction));
}

/** Constant padding of the spatial dims: [[top, bottom], [left, right]]. */
export function pad2d(x: Tensor, pads: SpatialPads, value = 0): Tensor {
  return new Tensor(native.pad(x.handle, explicitPadList(pads), value));
}

/** Reflection padding of the spatial dims: [[top, bottom], [left, right]]. */
export function reflectionPad2d(x: Tensor, pads: SpatialPads): Tensor {
  return new Tensor(native.reflectionPad2d(x.handle, explicitPadList(pads)));
}

function explicitPadList(pads: SpatialPads): number[] {
  integers(pads.flat(), 'padding');
  return torchPadList(pads);
}

/** The same NCHW tensor stored NHWC in memory, which oneDNN's convolutions prefer on CPUs. */
export function channelsLast(x: Tensor): Tensor {
  return x.contiguous('channels_last');
}

export function oneHot(labels: Tensor, classes: number): Tensor {
  return new Tensor(native.oneHot(labels.handle, integer(classes, 'classes')));
}
