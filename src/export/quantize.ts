// Static int8 post-training quantization in ONNX's QDQ form, as ONNX Runtime's own quantizer writes
// it: every activation tensor passes through QuantizeLinear -> DequantizeLinear with a per-tensor
// uint8 scale and zero point from calibration; Conv and Gemm weights are int8, symmetric, one scale per
// output channel (axis 0), their biases int32 at scale input_scale x weight_scale. A runtime fuses
// DequantizeLinear -> Conv -> QuantizeLinear into an integer convolution; the graph stays valid ONNX
// that any runtime can also run as float.
import { INPUT_NAME, OUTPUT_NAME, type OnnxModel } from './export-model.js';
import { Graph, type GraphNode } from './graph.js';
import type { Ranges } from './calibrate.js';

interface Quantization {
  scale: number;
  zeroPoint: number;
}

/** uint8, asymmetric: the range widened to hold 0 (so zero padding is exact), 0..255. */
export function activationQuantization([min, max]: [number, number]): Quantization {
  const low = Math.min(0, min);
  const high = Math.max(0, max);
  const scale = high > low ? (high - low) / 255 : 1;
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-low / scale))) };
}

/** The QDQ int8 model: the fp32 model's graph rewritten; `ranges` from calibrate(). */
export function quantizeModel(model: OnnxModel, ranges: Ranges, description: string): OnnxModel {
  const source = model.graph;
  const graph = new Graph();
  for (const [name, init] of source.initializers) graph.initializers.set(name, init);
  for (const node of source.nodes) graph.uniqueName(node.name);
  graph.uniqueName(INPUT_NAME);

  /** Each quantized activation: its dequantized name (what consumers read) and its quantization. */
  const quantized = new Map<string, { dequantized: string; q: Quantization }>();
  const quantize = (tensor: string) => {
    const range = ranges.get(tensor);
    if (!range) return;
    const q = activationQuantization(range);
    const scale = graph.addInitializer(`${tensor}.scale`, 'float', [], Float32Array.of(q.scale));
    const zero = graph.addInitializer(`${tensor}.zero_point`, 'uint8', [], Uint8Array.of(q.zeroPoint));
    const q8 = graph.addNode('QuantizeLinear', [tensor, scale, zero], {}, tensor);
    quantized.set(tensor, {
      dequantized: graph.addNode('DequantizeLinear', [q8, scale, zero], {}, tensor),
      q,
    });
  };

  quantize(INPUT_NAME);
  for (const original of withoutClampingActivations(source.nodes)) {
    const node: GraphNode = { ...original, inputs: [...original.inputs], outputs: [...original.outputs] };
    if (node.opType === 'Conv' || node.opType === 'Gemm')
      quantizeWeights(graph, node, quantized.get(node.inputs[0])?.q);
    node.inputs = node.inputs.map((input) => quantized.get(input)?.dequantized ?? input);
    graph.nodes.push(node);
    for (const output of node.outputs) if (output !== OUTPUT_NAME) quantize(output);
  }
  const read = new Set(graph.nodes.flatMap((node) => node.inputs));
  for (const name of graph.initializers.keys()) if (!read.has(name)) graph.initializers.delete(name);
  return { ...model, graph, metadata: { ...model.metadata, quantization: description } };
}

/**
 * The nodes without the Relu and Clip (relu6) nodes that follow a node whose output nothing else
 * reads: the producer writes the activation's output directly, whose calibrated range already lies in
 * [0, 6], so the uint8 QuantizeLinear after it clamps exactly as the activation did (ONNX Runtime's
 * quantizer removes them the same way). This leaves DequantizeLinear -> Conv -> QuantizeLinear
 * patterns that a runtime turns into one integer convolution.
 */
function withoutClampingActivations(nodes: readonly GraphNode[]): GraphNode[] {
  const kept = nodes.map((node) => ({ ...node, inputs: [...node.inputs], outputs: [...node.outputs] }));
  for (const activation of kept.filter((n) => n.opType === 'Relu' || n.opType === 'Clip')) {
    const input = activation.inputs[0];
    const producer = kept.find((n) => n.outputs.includes(input));
    const readers = kept.filter((n) => n.inputs.includes(input));
    if (!producer || readers.length !== 1 || !CLAMPABLE.has(producer.opType)) continue;
    producer.outputs[producer.outputs.indexOf(input)] = activation.outputs[0];
    kept.splice(kept.indexOf(activation), 1);
  }
  return kept;
}

/** Ops whose integer form a runtime has, so the clamp can move into their output quantization. */
const CLAMPABLE = new Set(['Conv', 'Gemm', 'Add']);

/**
 * Replaces a Conv's or Gemm's float weight (and bias) initializers by int8 (int32) ones behind
 * DequantizeLinear nodes. Without a quantized input the bias scale is unknown and the weights alone
 * are quantized.
 */
function quantizeWeights(graph: Graph, node: GraphNode, input: Quantization | undefined): void {
  const weight = graph.initializers.get(node.inputs[1])!;
  const values = weight.values as Float32Array;
  const channels = weight.dims[0];
  const perChannel = values.length / channels;
  const scales = new Float32Array(channels);
  const q = new Int8Array(values.length);
  for (let c = 0; c < channels; c++) {
    let max = 0;
    for (let i = c * perChannel; i < (c + 1) * perChannel; i++) max = Math.max(max, Math.abs(values[i]));
    scales[c] = max > 0 ? max / 127 : 1;
    for (let i = c * perChannel; i < (c + 1) * perChannel; i++)
      q[i] = Math.max(-127, Math.min(127, Math.round(values[i] / scales[c])));
  }
  node.inputs[1] = dequantized(graph, weight.name, 'int8', weight.dims, q, scales);
  graph.initializers.delete(weight.name);

  const biasName = node.inputs[2];
  if (!biasName || !input) return;
  const bias = graph.floats(biasName);
  const biasScales = scales.map((s) => s * input.scale);
  const q32 = Int32Array.from(bias, (b, c) => Math.round(b / biasScales[c]));
  node.inputs[2] = dequantized(graph, biasName, 'int32', [channels], q32, biasScales);
  graph.initializers.delete(biasName);
}

/** An initializer of integers and the DequantizeLinear (per channel, axis 0, zero point 0) reading it. */
function dequantized(
  graph: Graph,
  name: string,
  type: 'int8' | 'int32',
  dims: number[],
  values: Int8Array | Int32Array,
  scales: Float32Array,
): string {
  const channels = scales.length;
  const data = graph.addInitializer(`${name}_quantized`, type, dims, values);
  const scale = graph.addInitializer(`${name}.scale`, 'float', [channels], scales);
  const zero = graph.addInitializer(
    `${name}.zero_point`,
    type,
    [channels],
    type === 'int8' ? new Int8Array(channels) : new Int32Array(channels),
  );
  return graph.addNode('DequantizeLinear', [data, scale, zero], { axis: { int: 0 } }, name);
}
