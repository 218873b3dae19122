// DepthwiseConv2D: one spatial filter per input channel (times depthMultiplier); output channels =
// input * depthMultiplier.
import { DepthwiseConv2D } from '../nn/index.js';
import { GLOROT_UNIFORM, type Initializer } from '../nn/initializers.js';
import { lowerActivation, onnxActivation, type ActivationName } from './activation.js';
import { resolvePadding } from '../engine/padding.js';
import { biasWeights, conv2dDefinition, convFields, convWindow, type ConvOptions } from './conv-2d.js';
import {
  channelsOf,
  countParams,
  type LayerDefinition,
  type Lowering,
  type Shape,
  type Padding,
  type Pair,
  type Size,
  type WeightSpec,
} from './layer.js';
import { lowerPadding, onnxConv, pixelsOf, windowOutput, type Window } from './window.js';

export interface DepthwiseConv2DLayer {
  kind: 'DepthwiseConv2D';
  name: string;
  kernelSize: Pair;
  strides: Pair;
  padding: Padding;
  depthMultiplier: number;
  dilationRate: Pair;
  useBias: boolean;
  activation: ActivationName;
  depthwiseInitializer: Initializer;
  biasInitializer: Initializer;
}

export function depthwiseConv2d(
  name: string,
  kernelSize: Size,
  options: Omit<ConvOptions, 'kernelInitializer'> & {
    depthMultiplier?: number;
    depthwiseInitializer?: Initializer;
  } = {},
): DepthwiseConv2DLayer {
  return {
    kind: 'DepthwiseConv2D',
    name,
    ...convFields(kernelSize, options),
    depthMultiplier: options.depthMultiplier ?? 1,
    depthwiseInitializer: options.depthwiseInitializer ?? GLOROT_UNIFORM,
  };
}

/**
 * The depthwise kernel in Keras' layout (kh, kw, in, multiplier), which gives Keras' fans
 * (fan_in = kh*kw*in, not PyTorch's kh*kw), and PyTorch's (in*multiplier, 1, kh, kw).
 */
export function depthwiseKernel(
  layer: Pick<DepthwiseConv2DLayer, 'kernelSize' | 'depthMultiplier' | 'depthwiseInitializer'>,
  inChannels: number,
  pytorchName: string,
): WeightSpec {
  const [kh, kw] = layer.kernelSize;
  return {
    name: 'depthwise_kernel',
    shape: [kh, kw, inChannels, layer.depthMultiplier],
    initializer: layer.depthwiseInitializer,
    trainable: true,
    pytorch: { name: pytorchName, shape: [inChannels * layer.depthMultiplier, 1, kh, kw] },
  };
}

export const depthwiseConv2dDefinition: LayerDefinition<DepthwiseConv2DLayer> = {
  kind: 'DepthwiseConv2D',
  outputShape: (layer, input) => [
    ...windowOutput(layer, input, convWindow(layer)),
    channelsOf(input) * layer.depthMultiplier,
  ],
  weights: (layer, inChannels) => [
    depthwiseKernel(layer, inChannels, 'weight'),
    ...biasWeights(layer, inChannels * layer.depthMultiplier),
  ],
  lower(layer, x, lowering, output) {
    const cin = channelsOf(lowering.shapeOf(x));
    const [kh, kw] = layer.kernelSize;
    const padded = lowerPadding(x, lowering, convWindow(layer));
    const y = lowering.emit(
      depthwiseOpKind(x, padded, lowering, convWindow(layer), output),
      [padded],
      output,
      {
        macs: pixelsOf(output) * kh * kw * cin * layer.depthMultiplier,
        trainableParams: countParams(depthwiseConv2dDefinition.weights(layer, cin)).trainable,
        depthwise: true,
      },
    );
    return lowerActivation(layer.activation, y, lowering);
  },
  build: (layer, input) =>
    new DepthwiseConv2D(channelsOf(input), layer.kernelSize, {
      strides: layer.strides,
      padding: layer.padding,
      dilation: layer.dilationRate,
      depthMultiplier: layer.depthMultiplier,
      useBias: layer.useBias,
      activation: layer.activation,
      kernelInitializer: layer.depthwiseInitializer,
      biasInitializer: layer.biasInitializer,
    }),
  onnx: (layer, x, graph, input) =>
    onnxActivation(
      layer.activation,
      onnxConv(
        graph,
        x,
        convWindow(layer),
        input,
        channelsOf(input),
        graph.weight('weight'),
        layer.useBias ? graph.weight('bias') : null,
      ),
      graph,
    ),
  /**
   * Its op is a 'conv' (./conv-2d.ts) marked depthwise, except on 2×2 maps padded inside the
   * convolution ('same' at stride 1 on 2×2, at stride 2 on 3×3): there libtorch 1.13's channels-last
   * backward takes ~9.4 KB per channel in float32 and ~14.3 KB in bfloat16, whatever the batch (9.0 and
   * 13.7 MB for 960 channels; NCHW, other map sizes and explicitly padded inputs take none; measured
   * with test/analysis/calibration/op-peak.mjs depthwise 960 2 4 channels-last fp32|bf16).
   */
  ops: {
    'depthwise-conv-2x2': {
      ...conv2dDefinition.ops.conv!,
      channelsLast: { ...conv2dDefinition.ops.conv!.channelsLast, backwardBytesPerChannel: 9416 },
      channelsLastBfloat16: { backwardBytesPerChannel: 14281 },
    },
  },
};

/**
 * The op kind of a depthwise convolution of x through `padded` (x itself, or lowerPadding's explicit
 * pad op) making `output`: see the rules above.
 */
export function depthwiseOpKind(
  x: number,
  padded: number,
  lowering: Lowering,
  window: Window,
  output: Shape,
): string {
  const shape = lowering.shapeOf(x);
  if (padded !== x || shape.length !== 3 || output[0] !== 2 || output[1] !== 2) return 'conv';
  const pads = resolvePadding(
    window.padding,
    [shape[0], shape[1]],
    window.kernel,
    window.strides,
    window.dilation,
  );
  return pads.flat().some((p) => p > 0) ? 'depthwise-conv-2x2' : 'conv';
}
