// Activation: an activation function as its own layer; also the ops that conv and dense layers emit
// for their fused `activation` argument.
import { Activation, type ActivationKind } from '../nn/index.js';
import { KEEPS_NOTHING, type LayerDefinition, type Lowering, type OnnxGraph } from './layer.js';

/** Activation functions. 'linear' means none. swish(x) = x * sigmoid(x); relu6(x) = min(max(x, 0), 6). */
export type ActivationName = ActivationKind;

export interface ActivationLayer {
  kind: 'Activation';
  name: string;
  activation: Exclude<ActivationName, 'linear'>;
}

export function activation(name: string, fn: ActivationLayer['activation']): ActivationLayer {
  return { kind: 'Activation', name, activation: fn };
}

/** The op of an activation applied to tensor x (none for 'linear'); each function is its own op kind. */
export function lowerActivation(fn: ActivationName, x: number, lowering: Lowering): number {
  return fn === 'linear' ? x : lowering.emit(fn, [x], lowering.shapeOf(x));
}

/** The ONNX nodes of an activation on x (none for 'linear'): swish is x * Sigmoid(x), relu6 a Clip. */
export function onnxActivation(fn: ActivationName, x: string, graph: OnnxGraph): string {
  switch (fn) {
    case 'linear':
      return x;
    case 'relu':
      return graph.node('Relu', [x]);
    case 'relu6':
      return graph.node('Clip', [x, graph.constant([0], []), graph.constant([6], [])]);
    case 'sigmoid':
      return graph.node('Sigmoid', [x]);
    case 'swish':
      return graph.node('Mul', [x, graph.node('Sigmoid', [x])]);
  }
}

export const activationDefinition: LayerDefinition<ActivationLayer> = {
  kind: 'Activation',
  outputShape: (_layer, input) => input,
  weights: () => [],
  lower: (layer, x, lowering) => lowerActivation(layer.activation, x, lowering),
  build: (layer) => new Activation(layer.activation),
  onnx: (layer, x, graph) => onnxActivation(layer.activation, x, graph),
  // libtorch (derivatives.yaml): relu and sigmoid save their result; hardtanh (relu6) and silu
  // (swish) save their input. Measured with test/analysis/calibration/op-peak.mjs (docs/memory.md):
  // in channels-last, relu6's and swish's backward take one more activation-sized temporary; in
  // bfloat16, relu6 is where(x < 6, relu(x), 6) (src/nn/activation.ts), which keeps relu's bfloat16
  // output and a one-byte mask (3 bytes per element) instead of its input, and half an activation in
  // backward.
  ops: {
    relu: { ...KEEPS_NOTHING, output: true },
    relu6: {
      ...KEEPS_NOTHING,
      input: true,
      channelsLast: { backwardWorkspace: 0.5 },
      bfloat16: { input: false, bytesPerOutputElement: 3, backwardWorkspace: 0.25 },
    },
    swish: { ...KEEPS_NOTHING, input: true, channelsLast: { backwardWorkspace: 0.5 } },
    sigmoid: { ...KEEPS_NOTHING, output: true },
  },
};
