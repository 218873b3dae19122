// Everything the cost model knows about a description, in one object: the per-layer table (Keras
// summary style) and totals for params, MACs and memory.
import type { ModelDescription } from '../models/description.js';
import { simulate, type MemoryOptions, type TrainingMemory } from './memory.js';
import { lowerToOps, type LayerCost } from './ops.js';
import type { ParamCount } from '../layers/index.js';
import { addParams, NO_PARAMS } from './params.js';
import type { Shape } from '../layers/index.js';

export interface ModelSummary {
  model: string;
  family: ModelDescription['family'];
  input: Shape;
  output: Shape;
  numClasses: number | null;
  transforms: string[];
  layers: LayerCost[];
  params: ParamCount & {
    /** PyTorch convention: parameters are the trainable tensors; moving statistics are buffers. */
    pytorch: number;
  };
  /** Multiply-accumulates of one image's forward pass (convolutions and dense layers). */
  macs: number;
  memory: TrainingMemory & {
    /** Sum of every layer's output for the batch (what a Keras-style "forward pass size" reports). */
    activationSumBytes: number;
  };
}

export function summarize(description: ModelDescription, memory: MemoryOptions): ModelSummary {
  const graph = lowerToOps(description);
  const params = graph.layers.reduce((sum, l) => addParams(sum, l.params), NO_PARAMS);
  const macs = graph.layers.reduce((sum, l) => sum + l.macs, 0);
  const training = simulate(graph, memory);
  const activationSumBytes = graph.layers.reduce(
    (sum, l) => sum + l.outputShape.reduce((a, b) => a * b, 1) * memory.batchSize * training.bytesPerElement,
    0,
  );
  const { height, width, channels } = description.input;
  return {
    model: description.name,
    family: description.family,
    input: [height, width, channels],
    output: graph.tensors[graph.output]!.shape,
    numClasses: description.numClasses,
    transforms: description.transforms,
    layers: graph.layers,
    params: { ...params, pytorch: params.trainable },
    macs,
    memory: { ...training, activationSumBytes },
  };
}
