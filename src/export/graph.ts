// The ONNX graph being written: nodes in execution order and initializers, as plain data that the
// export passes (BatchNorm folding, quantization) rewrite before it is encoded. Layers write into it
// through the OnnxGraph interface of src/layers (one view per layer, naming nodes after the layer and
// reading the layer's own weights).
import type { OnnxAttribute, OnnxGraph } from '../layers/index.js';
import type { OnnxType } from './onnx-proto.js';

export interface GraphNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttribute>;
  name: string;
}

export type InitializerValues = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

export interface Initializer {
  name: string;
  type: OnnxType;
  dims: number[];
  values: InitializerValues;
}

export class Graph {
  readonly nodes: GraphNode[] = [];
  readonly initializers = new Map<string, Initializer>();
  private readonly used = new Set<string>();

  /** A name not used yet, from `base`. */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  addNode(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, OnnxAttribute>> = {},
    scope = '',
  ): string {
    const name = this.uniqueName(scope ? `${scope}/${opType}` : opType);
    this.nodes.push({ opType, inputs: [...inputs], outputs: [name], attributes: { ...attributes }, name });
    return name;
  }

  addInitializer(base: string, type: OnnxType, dims: readonly number[], values: InitializerValues): string {
    const name = this.uniqueName(base);
    this.initializers.set(name, { name, type, dims: [...dims], values });
    return name;
  }

  /** The node producing `tensor`, if a node does. */
  producer(tensor: string): GraphNode | undefined {
    return this.nodes.find((node) => node.outputs.includes(tensor));
  }

  /** The nodes reading `tensor`. */
  consumers(tensor: string): GraphNode[] {
    return this.nodes.filter((node) => node.inputs.includes(tensor));
  }

  /** A float initializer's values. */
  floats(name: string): Float32Array {
    const initializer = this.initializers.get(name);
    if (initializer?.type !== 'float') throw new Error(`internal error: ${name} is not a float initializer`);
    return initializer.values as Float32Array;
  }

  /** The view one layer writes through: nodes named after it, its weights read by state-dict name. */
  layerView(scope: string, weight: (name: string) => { values: Float32Array; dims: number[] }): OnnxGraph {
    return {
      node: (opType, inputs, attributes) => this.addNode(opType, inputs, attributes, scope),
      constant: (values, dims) =>
        this.addInitializer(`${scope}/const`, 'float', dims, Float32Array.from(values)),
      int64Constant: (values) =>
        this.addInitializer(
          `${scope}/const`,
          'int64',
          [values.length],
          BigInt64Array.from(values.map(BigInt)),
        ),
      weight: (name) => {
        const { values, dims } = weight(name);
        return this.addInitializer(`${scope}.${name}`, 'float', dims, values);
      },
    };
  }
}
