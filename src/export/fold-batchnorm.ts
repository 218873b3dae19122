// BatchNorm folded into the convolution before it: in inference BatchNorm is y = x * s + t per
// channel (s = gamma / sqrt(var + eps), t = beta - mean * s), so Conv(W, b) then BatchNorm equals
// Conv(W * s, b * s + t). Only where the conv's output feeds nothing else (a residual shortcut reading
// the same tensor must still see the unnormalised one).
import type { Graph, GraphNode } from './graph.js';

/** Folds every foldable BatchNormalization node; returns how many were folded. */
export function foldBatchNorms(graph: Graph, outputs: readonly string[]): number {
  let folded = 0;
  for (const bn of graph.nodes.filter((node) => node.opType === 'BatchNormalization')) {
    const conv = graph.producer(bn.inputs[0]);
    if (conv?.opType !== 'Conv' || outputs.includes(bn.inputs[0])) continue;
    if (graph.consumers(bn.inputs[0]).length !== 1) continue;
    foldInto(graph, conv, bn);
    folded++;
  }
  return folded;
}

function foldInto(graph: Graph, conv: GraphNode, bn: GraphNode): void {
  const [gamma, beta, mean, variance] = bn.inputs.slice(1).map((name) => graph.floats(name));
  const epsilon = (bn.attributes.epsilon as { float: number }).float; // always written (batch-normalization.ts)
  const weight = graph.initializers.get(conv.inputs[1])!;
  const channels = weight.dims[0];
  const perChannel = weight.values.length / channels;
  const kernel = weight.values as Float32Array;
  const scale = Float64Array.from(
    { length: channels },
    (_, c) => gamma[c] / Math.sqrt(variance[c] + epsilon),
  );
  const folded = new Float32Array(kernel.length);
  for (let c = 0; c < channels; c++)
    for (let i = c * perChannel; i < (c + 1) * perChannel; i++) folded[i] = kernel[i] * scale[c];
  const oldBias = conv.inputs[2];
  const bias = oldBias ? graph.floats(oldBias) : new Float32Array(channels);
  const shift = Float32Array.from({ length: channels }, (_, c) => (bias[c] - mean[c]) * scale[c] + beta[c]);

  graph.initializers.set(weight.name, { ...weight, values: folded });
  conv.inputs[2] = graph.addInitializer(`${conv.name}.folded_bias`, 'float', [channels], shift);
  for (const name of [...bn.inputs.slice(1), ...(oldBias ? [oldBias] : [])]) graph.initializers.delete(name);
  conv.outputs[0] = bn.outputs[0];
  graph.nodes.splice(graph.nodes.indexOf(bn), 1);
}
