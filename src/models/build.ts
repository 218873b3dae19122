// Builds real modules from an architecture description: each layer type builds its own module
// (src/layers); this file walks the tree. Each node becomes a module named after it, so state-dict
// names read like the description: e.g. "entry_flow.block2.main.block2_sepconv1.depthwise.weight".
// Descriptions are channels-last (Keras); tensors are NCHW; shapes are inferred while building, as
// Keras' build(input_shape) does.
import type { Tensor } from '../engine/index.js';
import { layerDefinition, mergeDefinition, type Shape } from '../layers/index.js';
import { Module, Sequential } from '../nn/index.js';
import type { Block, ModelDescription, Node } from './description.js';

/** A model built from a description: forward takes NCHW images in the description's pixel range. */
export class DescribedModel extends Module {
  readonly body: Sequential;

  constructor(readonly description: ModelDescription) {
    super();
    const { height, width, channels } = description.input;
    const { module } = buildNodes(description.layers, [height, width, channels]);
    this.body = this.child('model', module);
  }

  forward(x: Tensor): Tensor {
    return this.body.forward(x);
  }

  /** The top-level nodes in order (e.g. stem, flows or stages, head), for freezing all but the last N. */
  topLevelModules(): [string, Module][] {
    return this.body.children();
  }
}

export function buildModel(description: ModelDescription): DescribedModel {
  return new DescribedModel(description);
}

interface Built<M extends Module = Module> {
  module: M;
  output: Shape;
}

function buildNodes(nodes: readonly Node[], input: Shape): Built<Sequential> {
  let shape = input;
  const children: [string, Module][] = [];
  for (const node of nodes) {
    const built = buildNode(node, shape);
    children.push([node.name, built.module]);
    shape = built.output;
  }
  return { module: new Sequential(children), output: shape };
}

function buildNode(node: Node, input: Shape): Built {
  if (node.kind === 'Sequence') return buildNodes(node.layers, input);
  if (node.kind === 'Block') return buildBlock(node, input);
  const definition = layerDefinition(node);
  return { module: definition.build(node, input), output: definition.outputShape(node, input) };
}

function buildBlock(block: Block, input: Shape): Built {
  const branches = block.branches.map((branch) => ({
    name: branch.name,
    ...buildNodes(branch.layers, input),
  }));
  const definition = mergeDefinition(block.merge);
  return {
    module: definition.build(
      block.merge,
      branches.map((b) => [b.name, b.module]),
    ),
    output: definition.outputShape(
      block.merge,
      branches.map((b) => b.output),
    ),
  };
}
