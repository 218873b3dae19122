// What a layer type is: the contract every file in src/layers fulfils, after Keras' Layer
// (compute_output_shape / build / call / count_params). One definition per layer type holds its
// description fields, output shape, weights (Keras and PyTorch layouts, initialisers), the primitive
// ops it lowers to (MACs, and what each keeps for backward) and the nn module it builds. Shape
// inference, costs, the memory model and the builder iterate over these definitions (./registry.ts).
//
// Conventions (Keras', channels-last): shapes are per image, the batch dimension never written; a
// layer's input channels are never stored, they follow from what feeds it.
import type { Module, Sequential } from '../nn/index.js';
import type { Initializer } from '../nn/initializers.js';

/** [height, width]. */
export type Pair = [number, number];

/** Explicit zero padding [[top, bottom], [left, right]]. */
export type ExplicitPadding = [Pair, Pair];

/**
 * 'valid' = no padding; 'same' = TensorFlow's rule: output = ceil(input / stride), total padding
 * max((out - 1) * stride + effectiveKernel - input, 0), the odd pixel going to the bottom/right.
 * With stride 2 that is asymmetric, which PyTorch's padding='same' does not do: a builder pads first.
 */
export type Padding = 'same' | 'valid' | ExplicitPadding;

/** (height, width, channels), or a flat (channels) vector after global pooling. */
export type Shape = [number, number, number] | [number];

/** A description layer's fields common to every type; names are unique across a description. */
export interface LayerFields {
  kind: string;
  name: string;
}

export class ShapeError extends RangeError {
  override name = 'ShapeError';
}

export function shapeLabel(shape: Shape): string {
  return `(${shape.join(', ')})`;
}

export function channelsOf(shape: Shape): number {
  return shape[shape.length - 1]!;
}

/** The (height, width, channels) input a spatial layer needs, or a ShapeError naming the layer. */
export function requireSpatial(layer: LayerFields, input: Shape): [number, number, number] {
  if (input.length !== 3)
    throw new ShapeError(
      `${layer.name} (${layer.kind}) needs an (height, width, channels) input, got ${shapeLabel(input)}`,
    );
  return input;
}

export interface WeightSpec {
  /** Keras weight name: kernel, bias, depthwise_kernel, pointwise_kernel, gamma, beta, moving_mean, moving_variance. */
  name: string;
  /**
   * Keras layout: Conv2D kernel (kh, kw, in/groups, filters); depthwise kernel (kh, kw, in, multiplier);
   * pointwise kernel (1, 1, in*multiplier, filters); Dense kernel (in, units); vectors (n).
   * Initialisers draw with Keras' fans of this shape.
   */
  shape: number[];
  initializer: Initializer;
  /** False for BatchNormalization's moving statistics (Keras counts them as non-trainable params). */
  trainable: boolean;
  /** The same tensor in the built module: its state-dict name (below the layer) and PyTorch shape. */
  pytorch: { name: string; shape: number[] };
}

/**
 * What libtorch keeps for backward and allocates around one primitive op (the memory model of
 * src/analysis/memory.ts); declared by the layer file that owns the op. Bytes that scale with
 * activations scale with their dtype (float32, or bfloat16 under autocast).
 */
export interface KeepRule extends KeepRuleValues {
  /**
   * The dtype of its output under bfloat16 autocast (libtorch 1.13's CPU autocast lists): 'bfloat16'
   * for convolutions and matrix products (which cast float32 inputs and their weights to bfloat16
   * copies, the weights' kept for backward), 'input' for the rest (the widest of their inputs'
   * dtypes; the loss, on autocast's float32 list, is not an op of the graph).
   */
  autocast: 'bfloat16' | 'input';
  /** What differs when activations are channels-last (measured per op: docs/memory.md). */
  channelsLast?: Partial<KeepRuleValues>;
  /** What differs under bfloat16 autocast (measured per op: docs/memory.md). */
  bfloat16?: Partial<KeepRuleValues>;
  /** What differs under bfloat16 autocast with channels-last activations, applied after both above. */
  channelsLastBfloat16?: Partial<KeepRuleValues>;
}

/** The numbers and switches of a keep rule (what a memory format or precision may change). */
export interface KeepRuleValues {
  /** Keeps its inputs for backward (conv, linear: for the weight gradient; batch norm; swish; relu6 ...). */
  input: boolean;
  /** Keeps its output for backward (relu and sigmoid compute their gradient from the result). */
  output: boolean;
  /** Extra bytes kept per output element: max-pool int64 indices 8, dropout float mask 4 (whatever the activations' dtype). */
  bytesPerOutputElement: number;
  /** Extra bytes kept per output channel: batch norm's saved mean and inverse std, 2 x float32. */
  bytesPerChannel: number;
  /** Temporary bytes while the op runs forward, as a multiple of its input + output bytes. */
  forwardWorkspace: number;
  /** Temporary bytes while the op runs forward, as a multiple of its output bytes (a second output buffer). */
  forwardOutputWorkspace: number;
  /** Temporary bytes while its backward runs, as a multiple of its input + output bytes. */
  backwardWorkspace: number;
  /** Temporary bytes while the op runs forward, as a multiple of its own parameters' float32 bytes (weight reorders). */
  forwardWeightWorkspace: number;
  /** Temporary bytes in its backward, as a multiple of its parameters' float32 bytes (fresh weight gradients before they are accumulated). */
  backwardWeightWorkspace: number;
  /** Temporary bytes in its backward per output channel, whatever the batch. */
  backwardBytesPerChannel: number;
  /** Its backward hands the incoming gradient to its inputs without allocating (add, concat, view). */
  gradientPassThrough: boolean;
}

/** An op that keeps nothing and needs no workspace; rules spread it and set what differs. */
export const KEEPS_NOTHING: KeepRule = {
  input: false,
  output: false,
  bytesPerOutputElement: 0,
  bytesPerChannel: 0,
  forwardWorkspace: 0,
  forwardOutputWorkspace: 0,
  backwardWorkspace: 0,
  forwardWeightWorkspace: 0,
  backwardWeightWorkspace: 0,
  backwardBytesPerChannel: 0,
  gradientPassThrough: false,
  autocast: 'input',
};

/** What an op records beyond its inputs and output shape. */
export interface OpDetails {
  /** Multiply-accumulates per image. */
  macs?: number;
  /** Trainable parameters this op owns (their gradients are produced in its backward). */
  trainableParams?: number;
  /** True for the depthwise half of a depthwise or separable conv. */
  depthwise?: boolean;
  /** Dropout drawing one value per sample (noise shape (N, 1, 1, 1)) instead of per element. */
  perSample?: boolean;
}

/**
 * Where a layer writes its primitive ops (the level at which an autograd engine decides what to keep):
 * tensors are ids, each op makes one new tensor. The op kind must have a keep rule in some layer file.
 */
export interface Lowering {
  shapeOf(tensor: number): Shape;
  emit(opKind: string, inputs: number[], shape: Shape, details?: OpDetails): number;
}

/** An ONNX node attribute, typed as ONNX types it. */
export type OnnxAttribute =
  { int: number } | { ints: readonly number[] } | { float: number } | { string: string };

/**
 * Where a layer writes the ONNX nodes that compute it in inference mode (src/export implements it).
 * Tensors are names; activations are NCHW like the built modules, with a dynamic batch dimension.
 */
export interface OnnxGraph {
  /** Appends a node of the default ONNX domain; returns the name of its (single) output. */
  node(
    opType: string,
    inputs: readonly string[],
    attributes?: Readonly<Record<string, OnnxAttribute>>,
  ): string;
  /** A float32 constant (an initializer); returns its name. */
  constant(values: Float32Array | readonly number[], dims: readonly number[]): string;
  /** An int64 constant (shapes, axes, pads). */
  int64Constant(values: readonly number[]): string;
  /** An initializer holding the layer's trained tensor of this state-dict name ('weight', 'pointwise.bias'), in PyTorch's layout. */
  weight(name: string): string;
}

/** One input, one output. */
export interface LayerDefinition<L extends LayerFields> {
  readonly kind: L['kind'];
  /** Keras' compute_output_shape; a ShapeError names the layer and the misfit. */
  outputShape(layer: L, input: Shape): Shape;
  /** The weights it owns for an input of `inChannels` channels (count_params sums them). */
  weights(layer: L, inChannels: number): WeightSpec[];
  /** Its primitive ops from tensor `x` (shapes already checked); returns the output tensor. */
  lower(layer: L, x: number, lowering: Lowering, output: Shape): number;
  /** Keras' build + call: the nn module (NCHW, PyTorch weight layout) for this input shape. */
  build(layer: L, input: Shape): Module;
  /** Keep rules of the primitive op kinds this file introduces (other files may emit them too). */
  readonly ops: Readonly<Record<string, KeepRule>>;
  /**
   * Set when, training, it normalises with the batch's own statistics: its output for one image then
   * depends on the others, so micro-batches change what it computes (frozen, it does not: it runs on
   * its moving statistics).
   */
  readonly batchStatistics?: boolean;
  /**
   * Its ONNX nodes on tensor `x` (NCHW, this layer's channels-last input shape `input`); returns the
   * output tensor. A kind without it cannot be exported (the exporter names the layer).
   */
  onnx?(layer: L, x: string, graph: OnnxGraph, input: Shape): string;
}

/** Joins the outputs of a block's branches (which all receive the block's input). */
export interface MergeDefinition<M extends LayerFields> {
  readonly kind: M['kind'];
  outputShape(merge: M, inputs: Shape[]): Shape;
  lower(merge: M, xs: number[], lowering: Lowering, output: Shape): number;
  /** The module running every branch on the input and merging their outputs in order. */
  build(merge: M, branches: [string, Sequential][]): Module;
  readonly ops: Readonly<Record<string, KeepRule>>;
  /** Its ONNX nodes joining the branch outputs `xs` (NCHW) in order. */
  onnx?(merge: M, xs: readonly string[], graph: OnnxGraph): string;
}

export type Size = number | Pair;

export function pair(size: Size): Pair {
  return typeof size === 'number' ? [size, size] : [size[0], size[1]];
}

export const elementsOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Parameter counts in both conventions. */
export interface ParamCount {
  /** Keras convention: trainable + non-trainable. */
  total: number;
  trainable: number;
  /** BatchNormalization moving mean and variance (PyTorch: buffers, not parameters). */
  nonTrainable: number;
}

/** Keras' count_params over a layer's weights. */
export function countParams(weights: readonly WeightSpec[]): ParamCount {
  let trainable = 0;
  let nonTrainable = 0;
  for (const w of weights) {
    if (w.trainable) trainable += elementsOf(w.shape);
    else nonTrainable += elementsOf(w.shape);
  }
  return { total: trainable + nonTrainable, trainable, nonTrainable };
}
