// A built model as an ONNX model: the description walked in execution order, each layer writing its
// own nodes (its `onnx` member in src/layers) on NCHW tensors with a dynamic batch dimension, then
// BatchNorm folded into the convolutions before it. The weights are the model's current ones; the
// graph computes the model in inference mode.
import { layerDefinition, mergeDefinition, type OnnxAttribute, type Shape } from '../layers/index.js';
import type { DescribedModel } from '../models/build.js';
import { interpret } from '../models/walk.js';
import { ExportError } from './errors.js';
import { foldBatchNorms } from './fold-batchnorm.js';
import { Graph } from './graph.js';
import { encodeModel, ONNX_TYPES } from './onnx-proto.js';

/** ONNX operator set: 13 has per-axis Quantize/DequantizeLinear and what every layer mapping uses. */
export const OPSET = 13;
/** IR version 8 (ONNX 1.10), which every runtime reading opset 13 reads. */
const IR_VERSION = 8;
export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'logits';

export interface OnnxExportOptions {
  /** The classes of the logits, by index (written to the model's metadata). */
  classNames: readonly string[];
  /** How an image becomes the input tensor, for the metadata (the run's preprocessing). */
  preprocessing: string;
  /** The producing run or model, for the metadata. */
  source?: string;
}

/** The model as an ONNX graph (not yet encoded): what quantization and encoding work on. */
export interface OnnxModel {
  graph: Graph;
  inputShape: [number, number, number];
  numClasses: number;
  metadata: Record<string, string>;
}

interface Value {
  name: string;
  shape: Shape;
}

export function modelToOnnx(model: DescribedModel, options: OnnxExportOptions): OnnxModel {
  const { description } = model;
  const { height, width, channels } = description.input;
  if (description.numClasses === null)
    throw new ExportError(`${description.name} has no head: export a model with a classification head`);
  const state = model.stateDict();
  const graph = new Graph();
  graph.uniqueName(INPUT_NAME);
  graph.uniqueName(OUTPUT_NAME);
  const weightsOf = (prefix: string) => (name: string) => {
    const tensor = state[`${prefix}.${name}`];
    if (!tensor) throw new Error(`internal error: the model has no weight ${prefix}.${name}`);
    return { values: tensor.toFloat32Array(), dims: [...tensor.shape] };
  };
  const output = interpret<Value>(
    description.layers,
    { name: INPUT_NAME, shape: [height, width, channels] },
    {
      layer(layer, x, path) {
        const definition = layerDefinition(layer);
        if (!definition.onnx)
          throw new ExportError(
            `layer '${layer.name}' (${layer.kind}) has no ONNX mapping, so ${description.name} cannot be exported: ` +
              `add an onnx member to its layer file in src/layers, or use a model without ${layer.kind}`,
          );
        const prefix = ['model', ...path, layer.name].join('.');
        const name = definition.onnx(layer, x.name, graph.layerView(layer.name, weightsOf(prefix)), x.shape);
        return { name, shape: definition.outputShape(layer, x.shape) };
      },
      merge(merge, inputs) {
        const definition = mergeDefinition(merge);
        if (!definition.onnx)
          throw new ExportError(
            `merge '${merge.name}' (${merge.kind}) has no ONNX mapping, so ${description.name} cannot be exported`,
          );
        const view = graph.layerView(merge.name, () => {
          throw new Error(`internal error: ${merge.kind} has no weights`);
        });
        const name = definition.onnx(
          merge,
          inputs.map((x) => x.name),
          view,
        );
        return {
          name,
          shape: definition.outputShape(
            merge,
            inputs.map((x) => x.shape),
          ),
        };
      },
    },
  );
  nameOutput(graph, output.name);
  foldBatchNorms(graph, [OUTPUT_NAME]);
  return {
    graph,
    inputShape: [channels, height, width],
    numClasses: description.numClasses,
    metadata: {
      model: description.name,
      classes: JSON.stringify(options.classNames),
      input_name: INPUT_NAME,
      input_layout: `NCHW float32 [batch, ${channels}, ${height}, ${width}]`,
      output_name: OUTPUT_NAME,
      output: `logits [batch, ${description.numClasses}] (softmax gives class probabilities)`,
      preprocessing: options.preprocessing,
      ...(options.source ? { source: options.source } : {}),
    },
  };
}

/** The last tensor becomes the graph output 'logits' (through Identity if no node makes it). */
function nameOutput(graph: Graph, last: string): void {
  const producer = graph.producer(last);
  if (!producer || graph.consumers(last).length > 0) {
    graph.addNode('Identity', [last]);
    graph.nodes[graph.nodes.length - 1].outputs[0] = OUTPUT_NAME;
    return;
  }
  producer.outputs[0] = OUTPUT_NAME;
}

/**
 * The .onnx file's bytes. `alsoOutput` names intermediate float tensors to expose as further outputs
 * (of unknown shape), which calibration reads.
 */
export function encodeOnnx(
  model: OnnxModel,
  producerVersion: string,
  alsoOutput: readonly string[] = [],
): Uint8Array {
  return encodeModel(modelProto(model, producerVersion, alsoOutput));
}

/** The ModelProto object of protobufjs (camelCase fields) for `model`. */
function modelProto(
  model: OnnxModel,
  producerVersion: string,
  alsoOutput: readonly string[],
): Record<string, unknown> {
  const { graph } = model;
  const tensorType = (dims: (number | string)[]) => ({
    tensorType: {
      elemType: ONNX_TYPES.float,
      shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
    },
  });
  return {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'pareto-edge',
    producerVersion,
    graph: {
      name: model.metadata.model,
      node: graph.nodes.map((node) => ({
        name: node.name,
        opType: node.opType,
        input: node.inputs,
        output: node.outputs,
        attribute: Object.entries(node.attributes).map(([name, value]) => attributeProto(name, value)),
      })),
      initializer: [...graph.initializers.values()].map((init) => ({
        name: init.name,
        dims: init.dims,
        dataType: ONNX_TYPES[init.type],
        rawData: Buffer.from(init.values.buffer, init.values.byteOffset, init.values.byteLength),
      })),
      input: [{ name: INPUT_NAME, type: tensorType(['batch', ...model.inputShape]) }],
      output: [
        { name: OUTPUT_NAME, type: tensorType(['batch', model.numClasses]) },
        ...alsoOutput.map((name) => ({ name, type: { tensorType: { elemType: ONNX_TYPES.float } } })),
      ],
    },
    metadataProps: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
  };
}

function attributeProto(name: string, value: OnnxAttribute) {
  if ('int' in value) return { name, type: 2, i: value.int };
  if ('ints' in value) return { name, type: 7, ints: [...value.ints] };
  if ('float' in value) return { name, type: 1, f: value.float };
  return { name, type: 3, s: Buffer.from(value.string, 'utf8') };
}
