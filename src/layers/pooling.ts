// MaxPooling2D and AveragePooling2D: one definition parametrised by the reduction.
// Max pooling with padding 'same' pads with -infinity (padding never wins); average pooling with
// padding 'same' divides by the number of real (unpadded) pixels; both as TensorFlow does.
import { AveragePooling2D, MaxPooling2D } from '../nn/index.js';
import { channelsOf, KEEPS_NOTHING, pair, type LayerDefinition, type Pair, type Size } from './layer.js';
import { lowerPadding, onnxWindow, windowOutput, type Window } from './window.js';

interface PoolingFields {
  name: string;
  poolSize: Pair;
  strides: Pair;
  padding: 'same' | 'valid';
}

export interface MaxPooling2DLayer extends PoolingFields {
  kind: 'MaxPooling2D';
}

export interface AveragePooling2DLayer extends PoolingFields {
  kind: 'AveragePooling2D';
}

export interface PoolingOptions {
  /** Keras default: the pool size. */
  strides?: Size;
  /** Keras default 'valid'. */
  padding?: 'same' | 'valid';
}

function pooling<K extends 'MaxPooling2D' | 'AveragePooling2D'>(
  kind: K,
  name: string,
  poolSize: Size,
  options: PoolingOptions,
): PoolingFields & { kind: K } {
  return {
    kind,
    name,
    poolSize: pair(poolSize),
    strides: pair(options.strides ?? poolSize),
    padding: options.padding ?? 'valid',
  };
}

export function maxPool(name: string, poolSize: Size, options: PoolingOptions = {}): MaxPooling2DLayer {
  return pooling('MaxPooling2D', name, poolSize, options);
}

export function averagePool(
  name: string,
  poolSize: Size,
  options: PoolingOptions = {},
): AveragePooling2DLayer {
  return pooling('AveragePooling2D', name, poolSize, options);
}

const poolWindow = (layer: PoolingFields): Window => ({
  kernel: layer.poolSize,
  strides: layer.strides,
  dilation: [1, 1],
  padding: layer.padding,
});

/**
 * ONNX's MaxPool never picks its padding and AveragePool divides by the real pixels by default
 * (count_include_pad 0): TensorFlow's rules, once the padding is explicit.
 */
function poolingDefinition<L extends MaxPooling2DLayer | AveragePooling2DLayer>(
  kind: L['kind'],
  opKind: string,
  Pool: typeof MaxPooling2D | typeof AveragePooling2D,
  ops: LayerDefinition<L>['ops'],
  onnxOp: 'MaxPool' | 'AveragePool',
): LayerDefinition<L> {
  return {
    kind,
    outputShape: (layer, input) => [...windowOutput(layer, input, poolWindow(layer)), channelsOf(input)],
    weights: () => [],
    lower: (layer, x, lowering, output) =>
      lowering.emit(opKind, [lowerPadding(x, lowering, poolWindow(layer))], output),
    build: (layer) => new Pool(layer.poolSize, { strides: layer.strides, padding: layer.padding }),
    onnx: (layer, x, graph, input) => graph.node(onnxOp, [x], onnxWindow(poolWindow(layer), input)),
    ops,
  };
}

// libtorch's max_pool2d_with_indices saves its input and int64 indices; avg_pool2d its input.
export const maxPooling2dDefinition = poolingDefinition<MaxPooling2DLayer>(
  'MaxPooling2D',
  'maxpool',
  MaxPooling2D,
  {
    maxpool: { ...KEEPS_NOTHING, input: true, bytesPerOutputElement: 8 },
  },
  'MaxPool',
);

export const averagePooling2dDefinition = poolingDefinition<AveragePooling2DLayer>(
  'AveragePooling2D',
  'avgpool',
  AveragePooling2D,
  { avgpool: { ...KEEPS_NOTHING, input: true } },
  'AveragePool',
);
