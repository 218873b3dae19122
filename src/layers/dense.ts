// Dense: fully connected on a flat (channels) vector.
import { Dense } from '../nn/index.js';
import { GLOROT_UNIFORM, ZEROS, type Initializer } from '../nn/initializers.js';
import { lowerActivation, onnxActivation, type ActivationName } from './activation.js';
import { biasWeights, type ConvOptions } from './conv-2d.js';
import {
  channelsOf,
  countParams,
  KEEPS_NOTHING,
  ShapeError,
  shapeLabel,
  type LayerDefinition,
} from './layer.js';

export interface DenseLayer {
  kind: 'Dense';
  name: string;
  units: number;
  useBias: boolean;
  activation: ActivationName;
  kernelInitializer: Initializer;
  biasInitializer: Initializer;
}

export function dense(
  name: string,
  units: number,
  options: Pick<ConvOptions, 'useBias' | 'activation' | 'kernelInitializer' | 'biasInitializer'> = {},
): DenseLayer {
  return {
    kind: 'Dense',
    name,
    units,
    useBias: options.useBias ?? true,
    activation: options.activation ?? 'linear',
    kernelInitializer: options.kernelInitializer ?? GLOROT_UNIFORM,
    biasInitializer: options.biasInitializer ?? ZEROS,
  };
}

export const denseDefinition: LayerDefinition<DenseLayer> = {
  kind: 'Dense',
  outputShape(layer, input) {
    if (input.length !== 1)
      throw new ShapeError(`${layer.name} (Dense) needs a flat input, got ${shapeLabel(input)}`);
    return [layer.units];
  },
  weights: (layer, inChannels) => [
    {
      name: 'kernel',
      shape: [inChannels, layer.units],
      initializer: layer.kernelInitializer,
      trainable: true,
      pytorch: { name: 'weight', shape: [layer.units, inChannels] },
    },
    ...biasWeights(layer, layer.units),
  ],
  lower(layer, x, lowering, output) {
    const cin = channelsOf(lowering.shapeOf(x));
    const y = lowering.emit('linear', [x], output, {
      macs: cin * layer.units,
      trainableParams: countParams(denseDefinition.weights(layer, cin)).trainable,
    });
    return lowerActivation(layer.activation, y, lowering);
  },
  build: (layer, input) =>
    new Dense(channelsOf(input), layer.units, {
      useBias: layer.useBias,
      activation: layer.activation,
      kernelInitializer: layer.kernelInitializer,
      biasInitializer: layer.biasInitializer,
    }),
  /** Gemm computes x W^T + b on PyTorch's [units, in] weight as it is. */
  onnx: (layer, x, graph) =>
    onnxActivation(
      layer.activation,
      graph.node('Gemm', [x, graph.weight('weight'), ...(layer.useBias ? [graph.weight('bias')] : [])], {
        transB: { int: 1 },
      }),
      graph,
    ),
  // libtorch's linear saves its input (for the weight gradient); one weight-sized temporary in backward.
  ops: { linear: { ...KEEPS_NOTHING, input: true, backwardWeightWorkspace: 1, autocast: 'bfloat16' } },
};
