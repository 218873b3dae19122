// Lowering a description to primitive tensor ops, the level at which an autograd engine decides what
// to keep for backward: a SeparableConv2D is a depthwise conv then a pointwise conv (with a tensor in
// between), a conv with a fused activation is a conv then an activation, Dropout is a mask multiply.
// Each layer type lowers itself (src/layers); this file records the ops and what each layer costs.
import {
  channelsOf,
  elementsOf,
  layerDefinition,
  mergeDefinition,
  opKeepRules,
  type Layer,
  type Lowering,
  type MergeLayer,
  type OpDetails,
  type ParamCount,
  type Shape,
} from '../layers/index.js';
import type { ModelDescription } from '../models/description.js';
import { interpret } from '../models/walk.js';
import { layerParams, NO_PARAMS } from './params.js';

/** A primitive op kind ('conv', 'relu', 'add', ...): each has a keep rule in the layer file that declares it. */
export type OpKind = string;

export interface TensorInfo {
  id: number;
  /** Per-image shape, channels-last. */
  shape: Shape;
  /** Elements per image. */
  elements: number;
  /** Whether gradients flow into it (false for the image and whatever only depends on it without weights). */
  requiresGrad: boolean;
}

export interface Op extends OpDetails {
  kind: OpKind;
  /** The description layer (or merge) this op belongs to. */
  layer: string;
  inputs: number[];
  output: number;
  /** Multiply-accumulates per image. */
  macs: number;
  /** Trainable parameters this op owns (their gradients are produced in its backward). */
  trainableParams: number;
  /**
   * Parameters this op owns, trainable or frozen: a frozen convolution still reorders its weights
   * in forward (a weight-sized temporary).
   */
  params: number;
  /** Channels of the output (for per-channel saved statistics). */
  channels: number;
}

export interface OpGraph {
  tensors: TensorInfo[];
  ops: Op[];
  /** Tensor id of the network input (the image). */
  input: number;
  /**
   * Bytes per element of the input under bfloat16 autocast when it is not the float32 image: a
   * segment's input, made by an op outside the graph (src/analysis/plan-memory.ts).
   */
  inputBytesUnderAutocast?: number;
  output: number;
  /** Per description layer, in execution order: shapes, params, MACs. */
  layers: LayerCost[];
}

export interface LayerCost {
  name: string;
  kind: Layer['kind'] | MergeLayer['kind'];
  path: readonly string[];
  inputShapes: Shape[];
  outputShape: Shape;
  params: ParamCount;
  /** The MACs of its ops. */
  macs: number;
}

/** Lower the whole description, shapes checked on the way. */
export function lowerToOps(description: ModelDescription): OpGraph {
  const tensors: TensorInfo[] = [];
  const ops: Op[] = [];
  const layers: LayerCost[] = [];
  const known = opKeepRules();
  const tensor = (shape: Shape, requiresGrad: boolean): number => {
    tensors.push({ id: tensors.length, shape, elements: elementsOf(shape), requiresGrad });
    return tensors.length - 1;
  };
  /** The ops of one layer, and their MACs. */
  const loweringFor = (layer: string): Lowering & { macs: number } => ({
    macs: 0,
    shapeOf: (t) => tensors[t]!.shape,
    emit(kind, inputs, shape, details = {}) {
      if (!(kind in known))
        throw new Error(`${layer} lowers to op kind '${kind}', which no layer file declares a keep rule for`);
      const trainableParams = details.trainableParams ?? 0;
      const macs = details.macs ?? 0;
      const output = tensor(shape, trainableParams > 0 || inputs.some((i) => tensors[i]!.requiresGrad));
      ops.push({
        ...details,
        kind,
        layer,
        inputs,
        output,
        macs,
        trainableParams,
        // Lowered from a description every weight trains; freezing (plan-memory.ts) zeroes only
        // trainableParams.
        params: trainableParams,
        channels: channelsOf(shape),
      });
      this.macs += macs;
      return output;
    },
  });

  const { height, width, channels } = description.input;
  const input = tensor([height, width, channels], false);
  const output = interpret<number>(description.layers, input, {
    layer(layer, x, path) {
      const definition = layerDefinition(layer);
      const inShape = tensors[x]!.shape;
      const outShape = definition.outputShape(layer, inShape);
      const lowering = loweringFor(layer.name);
      const y = definition.lower(layer, x, lowering, outShape);
      layers.push({
        name: layer.name,
        kind: layer.kind,
        path,
        inputShapes: [inShape],
        outputShape: outShape,
        params: layerParams(layer, channelsOf(inShape)),
        macs: lowering.macs,
      });
      return y;
    },
    merge(merge, xs, _block, path) {
      const definition = mergeDefinition(merge);
      const shapes = xs.map((i) => tensors[i]!.shape);
      const outShape = definition.outputShape(merge, shapes);
      const lowering = loweringFor(merge.name);
      const y = definition.lower(merge, xs, lowering, outShape);
      layers.push({
        name: merge.name,
        kind: merge.kind,
        path,
        inputShapes: shapes,
        outputShape: outShape,
        params: NO_PARAMS,
        macs: lowering.macs,
      });
      return y;
    },
  });
  return { tensors, ops, input, output, layers };
}
