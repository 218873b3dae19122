// SeparableConv2D: depthwise (kernelSize, strides, padding) then pointwise 1x1 to `filters`, with no
// normalisation or activation in between; the bias (if any) belongs to the pointwise step, as in Keras.
import { SeparableConv2D } from '../nn/index.js';
import { GLOROT_UNIFORM, type Initializer } from '../nn/initializers.js';
import { lowerActivation, onnxActivation, type ActivationName } from './activation.js';
import { biasWeights, convFields, convWindow, type ConvOptions } from './conv-2d.js';
import { depthwiseKernel, depthwiseOpKind } from './depthwise-conv-2d.js';
import {
  channelsOf,
  countParams,
  elementsOf,
  type LayerDefinition,
  type Padding,
  type Pair,
  type Shape,
  type Size,
} from './layer.js';
import { lowerPadding, onnxConv, pixelsOf, windowOutput } from './window.js';

export interface SeparableConv2DLayer {
  kind: 'SeparableConv2D';
  name: string;
  filters: number;
  kernelSize: Pair;
  strides: Pair;
  padding: Padding;
  depthMultiplier: number;
  dilationRate: Pair;
  useBias: boolean;
  activation: ActivationName;
  depthwiseInitializer: Initializer;
  pointwiseInitializer: Initializer;
  biasInitializer: Initializer;
}

export function separableConv2d(
  name: string,
  filters: number,
  kernelSize: Size,
  options: Omit<ConvOptions, 'kernelInitializer'> & {
    depthMultiplier?: number;
    depthwiseInitializer?: Initializer;
    pointwiseInitializer?: Initializer;
  } = {},
): SeparableConv2DLayer {
  return {
    kind: 'SeparableConv2D',
    name,
    filters,
    ...convFields(kernelSize, options),
    depthMultiplier: options.depthMultiplier ?? 1,
    depthwiseInitializer: options.depthwiseInitializer ?? GLOROT_UNIFORM,
    pointwiseInitializer: options.pointwiseInitializer ?? GLOROT_UNIFORM,
  };
}

export const separableConv2dDefinition: LayerDefinition<SeparableConv2DLayer> = {
  kind: 'SeparableConv2D',
  outputShape: (layer, input) => [...windowOutput(layer, input, convWindow(layer)), layer.filters],
  weights(layer, inChannels) {
    const mid = inChannels * layer.depthMultiplier;
    return [
      depthwiseKernel(layer, inChannels, 'depthwise.weight'),
      {
        name: 'pointwise_kernel',
        shape: [1, 1, mid, layer.filters],
        initializer: layer.pointwiseInitializer,
        trainable: true,
        pytorch: { name: 'pointwise.weight', shape: [layer.filters, mid, 1, 1] },
      },
      ...biasWeights(layer, layer.filters, 'pointwise.bias'),
    ];
  },
  /** Two convs with a tensor in between, which the pointwise conv keeps for backward. */
  lower(layer, x, lowering, output) {
    const cin = channelsOf(lowering.shapeOf(x));
    const mid = cin * layer.depthMultiplier;
    const [kh, kw] = layer.kernelSize;
    const [depthwise, ...pointwise] = separableConv2dDefinition.weights(layer, cin);
    const padded = lowerPadding(x, lowering, convWindow(layer));
    const d = lowering.emit(
      depthwiseOpKind(x, padded, lowering, convWindow(layer), output),
      [padded],
      [output[0]!, output[1]!, mid] as Shape,
      {
        macs: pixelsOf(output) * kh * kw * mid,
        trainableParams: elementsOf(depthwise!.shape),
        depthwise: true,
      },
    );
    const y = lowering.emit('conv', [d], output, {
      macs: pixelsOf(output) * mid * layer.filters,
      trainableParams: countParams(pointwise).trainable,
    });
    return lowerActivation(layer.activation, y, lowering);
  },
  build: (layer, input) =>
    new SeparableConv2D(channelsOf(input), layer.filters, layer.kernelSize, {
      strides: layer.strides,
      padding: layer.padding,
      dilation: layer.dilationRate,
      depthMultiplier: layer.depthMultiplier,
      useBias: layer.useBias,
      activation: layer.activation,
      depthwiseInitializer: layer.depthwiseInitializer,
      pointwiseInitializer: layer.pointwiseInitializer,
      biasInitializer: layer.biasInitializer,
    }),
  /** A depthwise Conv (grouped by channel, no bias) then a 1x1 Conv. */
  onnx(layer, x, graph, input) {
    const depthwise = onnxConv(
      graph,
      x,
      convWindow(layer),
      input,
      channelsOf(input),
      graph.weight('depthwise.weight'),
      null,
    );
    const pointwise = graph.node(
      'Conv',
      [
        depthwise,
        graph.weight('pointwise.weight'),
        ...(layer.useBias ? [graph.weight('pointwise.bias')] : []),
      ],
      { kernel_shape: { ints: [1, 1] } },
    );
    return onnxActivation(layer.activation, pointwise, graph);
  },
  // Its ops are two 'conv's (./conv-2d.ts).
  ops: {},
};
