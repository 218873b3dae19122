// SqueezeNet Strategy 3: downsample late in the network, so that conv layers have large activation
// maps. The downsampling of an early node is removed (its strided layers get stride 1) and the same
// factor is applied later by a pooling layer inserted after a later node, as SqueezeNet does with its
// max-pools. Params are unchanged; MACs and activation memory grow between the two points; with
// 'same' padding the sizes after the inserted pool equal the original ones (nested ceil divisions).
import { type ModelDescription, type Node } from '../models/description.js';
import { isConv, type Layer } from '../layers/index.js';
import { averagePool, maxPool } from '../layers/index.js';
import { nodesOf, requireNode } from '../models/walk.js';
import { checked, editCopy, nodeShapes, parentListOf, TransformError } from './edit.js';
import { foldExplicitSamePadding } from './padding.js';

export interface DelayDownsamplingOptions {
  /** The node (layer, block or sequence) whose downsampling is removed. */
  from: string;
  /** The later node after which the downsampling happens instead. */
  after: string;
  /** Default max pooling with a 3x3 window (SqueezeNet's and Xception's). */
  pool?: { kind: 'MaxPooling2D' | 'AveragePooling2D'; size: number };
}

function isStrided(layer: Node): layer is Extract<Layer, { strides: [number, number] }> {
  return 'strides' in layer && (layer.strides[0] > 1 || layer.strides[1] > 1);
}

export function delayDownsampling(
  description: ModelDescription,
  options: DelayDownsamplingOptions,
): ModelDescription {
  const { from, after } = options;
  const pool = options.pool ?? { kind: 'MaxPooling2D', size: 3 };
  requireNode(description, from);
  requireNode(description, after);
  const order = nodesOf(description.layers).map((v) => v.node.name);
  if (order.indexOf(after) <= order.indexOf(from))
    throw new TransformError(`strategy 3 moves downsampling later: '${after}' must come after '${from}'`);
  const shapes = nodeShapes(description);
  const before = shapes.get(from)!;
  if (before.input.length !== 3 || before.output.length !== 3)
    throw new TransformError(`strategy 3: '${from}' does not work on feature maps`);
  const factors: [number, number] = [
    before.input[0] / before.output[0]!,
    before.input[1] / before.output[1]!,
  ];
  const strided = nodesOf([requireNode(description, from)]).filter((v) => isStrided(v.node));
  if (strided.length === 0) throw new TransformError(`strategy 3: '${from}' has no strided layer to move`);
  const stride: [number, number] = [Math.round(factors[0]), Math.round(factors[1])];

  const copy = editCopy(
    description,
    `strategy3.delayDownsampling(${from} -> after ${after}, ${pool.kind} ${pool.size}x${pool.size} stride ${stride.join('x')})`,
  );
  for (const { node } of nodesOf([requireNode(copy, from)])) {
    if (!isStrided(node)) continue;
    if (isConv(node)) foldExplicitSamePadding(copy, node, (n) => shapes.get(n)?.input);
    node.strides = [1, 1];
  }
  const make = pool.kind === 'MaxPooling2D' ? maxPool : averagePool;
  const inserted = make(`${from}_delayed_pool`, pool.size, { strides: stride, padding: 'same' });
  const parent = parentListOf(copy.layers, after)!;
  parent.list.splice(parent.index + 1, 0, inserted);
  return checked(copy);
}
