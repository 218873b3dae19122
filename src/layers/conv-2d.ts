// Conv2D: Keras' convolution (grouped when groups > 1), with an optional fused activation.
import { Conv2D } from '../nn/index.js';
import { GLOROT_UNIFORM, ZEROS, type Initializer } from '../nn/initializers.js';
import { lowerActivation, onnxActivation, type ActivationName } from './activation.js';
import {
  channelsOf,
  countParams,
  KEEPS_NOTHING,
  pair,
  ShapeError,
  type KeepRule,
  type LayerDefinition,
  type Padding,
  type Pair,
  type Size,
  type WeightSpec,
} from './layer.js';
import { lowerPadding, onnxConv, pixelsOf, windowOutput, type Window } from './window.js';

export interface Conv2DLayer {
  kind: 'Conv2D';
  name: string;
  filters: number;
  kernelSize: Pair;
  strides: Pair;
  padding: Padding;
  dilationRate: Pair;
  /** Grouped convolution; input channels must be divisible by it. */
  groups: number;
  useBias: boolean;
  /** Applied after the bias (Keras' `activation=` argument), e.g. the squeeze-excite convs. */
  activation: ActivationName;
  kernelInitializer: Initializer;
  biasInitializer: Initializer;
}

/** Options every convolution takes, with Keras' defaults. */
export interface ConvOptions {
  strides?: Size;
  /** Keras default 'valid'. */
  padding?: Padding;
  dilationRate?: Size;
  /** Keras default true. */
  useBias?: boolean;
  activation?: ActivationName;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
}

export function conv2d(
  name: string,
  filters: number,
  kernelSize: Size,
  options: ConvOptions & { groups?: number } = {},
): Conv2DLayer {
  return {
    kind: 'Conv2D',
    name,
    filters,
    ...convFields(kernelSize, options),
    groups: options.groups ?? 1,
    kernelInitializer: options.kernelInitializer ?? GLOROT_UNIFORM,
  };
}

/** The fields every convolution kind shares, with Keras' defaults written out. */
export function convFields(kernelSize: Size, options: ConvOptions) {
  return {
    kernelSize: pair(kernelSize),
    strides: pair(options.strides ?? 1),
    padding: options.padding ?? ('valid' as Padding),
    dilationRate: pair(options.dilationRate ?? 1),
    useBias: options.useBias ?? true,
    activation: options.activation ?? ('linear' as ActivationName),
    biasInitializer: options.biasInitializer ?? ZEROS,
  };
}

/** The sliding window of any convolution description. */
export function convWindow(
  layer: Pick<Conv2DLayer, 'kernelSize' | 'strides' | 'dilationRate' | 'padding'>,
): Window {
  return {
    kernel: layer.kernelSize,
    strides: layer.strides,
    dilation: layer.dilationRate,
    padding: layer.padding,
  };
}

/** A bias vector of n, if the layer has one; `pytorchName` is its state-dict name. */
export function biasWeights(
  layer: { useBias: boolean; biasInitializer: Initializer },
  n: number,
  pytorchName = 'bias',
): WeightSpec[] {
  if (!layer.useBias) return [];
  return [
    {
      name: 'bias',
      shape: [n],
      initializer: layer.biasInitializer,
      trainable: true,
      pytorch: { name: pytorchName, shape: [n] },
    },
  ];
}

/**
 * The convolution's keep rule (documented on conv2dDefinition.ops). A dense convolution with a kernel
 * larger than 1x1 ('conv-kxk') holds two weight-sized reorders in a channels-last forward, one in NCHW
 * (measured without and with autograd: 3x3 convs 256->256 and 512->1024, 2.4 and 18.9 MB of weights;
 * 1x1 and depthwise convs hold one in either format).
 */
const CONV_RULE: KeepRule = {
  ...KEEPS_NOTHING,
  input: true,
  backwardWorkspace: 1,
  forwardOutputWorkspace: 1,
  forwardWeightWorkspace: 1,
  backwardWeightWorkspace: 2,
  autocast: 'bfloat16',
  channelsLast: { backwardWeightWorkspace: 3 },
  bfloat16: { forwardWeightWorkspace: 0.5, backwardWeightWorkspace: 1.5 },
};

export const conv2dDefinition: LayerDefinition<Conv2DLayer> = {
  kind: 'Conv2D',
  outputShape(layer, input) {
    const c = channelsOf(input);
    if (c % layer.groups !== 0)
      throw new ShapeError(`${layer.name}: ${c} input channels are not divisible by groups=${layer.groups}`);
    return [...windowOutput(layer, input, convWindow(layer)), layer.filters];
  },
  weights(layer, inChannels) {
    const [kh, kw] = layer.kernelSize;
    const perGroup = inChannels / layer.groups;
    return [
      {
        name: 'kernel',
        shape: [kh, kw, perGroup, layer.filters],
        initializer: layer.kernelInitializer,
        trainable: true,
        pytorch: { name: 'weight', shape: [layer.filters, perGroup, kh, kw] },
      },
      ...biasWeights(layer, layer.filters),
    ];
  },
  lower(layer, x, lowering, output) {
    const cin = channelsOf(lowering.shapeOf(x));
    const [kh, kw] = layer.kernelSize;
    const padded = lowerPadding(x, lowering, convWindow(layer));
    const spatial = layer.groups === 1 && kh * kw > 1;
    const y = lowering.emit(spatial ? 'conv-kxk' : 'conv', [padded], output, {
      macs: pixelsOf(output) * kh * kw * (cin / layer.groups) * layer.filters,
      trainableParams: countParams(conv2dDefinition.weights(layer, cin)).trainable,
      depthwise: layer.groups > 1 && layer.groups === cin,
    });
    return lowerActivation(layer.activation, y, lowering);
  },
  build: (layer, input) =>
    new Conv2D(channelsOf(input), layer.filters, layer.kernelSize, {
      strides: layer.strides,
      padding: layer.padding,
      dilation: layer.dilationRate,
      groups: layer.groups,
      useBias: layer.useBias,
      activation: layer.activation,
      kernelInitializer: layer.kernelInitializer,
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
        layer.groups,
        graph.weight('weight'),
        layer.useBias ? graph.weight('bias') : null,
      ),
      graph,
    ),
  /**
   * libtorch's convolution saves its input and weight. Workspaces were calibrated on this machine
   * against PyTorch 1.13 (the same libtorch) with test/analysis/calibration and against the engine
   * itself (docs/models.md): the forward holds one weight-sized reorder, the backward two weight-sized
   * tensors (the fresh weight gradient in oneDNN's layout and its plain copy, before it is added into
   * .grad: 25 MB for Xception's 1536x2048 pointwise conv) and activation-sized temporaries of about its
   * input + output (oneDNN reorders; they matter where the peak falls in the early, large layers).
   * Depthwise and separable convolutions emit this op too. Under bfloat16 autocast it keeps bfloat16
   * copies of its weights (and of a float32 input) and its output is bfloat16 (src/analysis/memory.ts);
   * its weight temporaries shrink to half a float32 weight in forward and 1.5 in backward; in
   * channels-last (float32) the backward takes 3 (measured per op with calibration/op-peak.mjs:
   * a 640→640 pointwise conv on 2×2 maps, 1.6 MB of weights, takes 2.0, 3.05 and 1.54 weights in
   * NCHW float32, channels-last float32 and bfloat16 backward; docs/memory.md). Its forward holds a
   * second output-sized buffer while it runs (measured: 3->32, 32->64 and 128->128 convs, dense and
   * depthwise, peak input + 2 x output, with and without autograd), which sets the peak of passes
   * without autograd: a frozen prefix, a checkpointed forward.
   */
  ops: {
    conv: CONV_RULE,
    'conv-kxk': { ...CONV_RULE, channelsLast: { ...CONV_RULE.channelsLast, forwardWeightWorkspace: 2 } },
  },
};
