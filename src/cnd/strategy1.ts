// SqueezeNet Strategy 1: replace 3x3 filters with 1x1 filters. A 1x1 filter has 9x fewer weights
// (the paper's eq. 3.1: params = channels * filters * filter size), so a SeparableConv2D loses 8/9 of
// its depthwise weights and a Conv2D 8/9 of its kernel. Output widths and (for 'same' padding)
// spatial sizes stay as they were.
import { type ModelDescription, type Node } from '../models/description.js';
import { isConv, type ConvLayer } from '../layers/index.js';
import { findNode } from '../models/walk.js';
import { checked, editCopy, nodeShapes, TransformError } from './edit.js';
import { foldExplicitSamePadding } from './padding.js';
import { selectLayerNames, type LayerSelector } from './select.js';

/**
 * Give the selected 3x3 conv layers 1x1 kernels. Named layers must be 3x3 convs; a predicate picks
 * among the 3x3 conv layers only. A 'valid' conv behind ZeroPadding2D (Keras' spelling of 'same' for
 * stride 2) gets padding 'same' instead, so its output size is kept.
 */
export function replace3x3With1x1(description: ModelDescription, select: LayerSelector): ModelDescription {
  const is3x3Conv = (node: Node | undefined): boolean =>
    node !== undefined && isConv(node) && node.kernelSize[0] === 3 && node.kernelSize[1] === 3;
  const predicate = typeof select === 'function' ? select : undefined;
  const names = selectLayerNames(description, predicate ? (l, p) => is3x3Conv(l) && predicate(l, p) : select);
  if (names.length === 0) throw new TransformError('strategy 1: the selection matched no 3x3 conv layer');
  for (const name of names) {
    const node: Node | undefined = findNode(description.layers, name);
    if (!is3x3Conv(node)) {
      const what =
        node && isConv(node)
          ? `a ${node.kind} with a ${node.kernelSize.join('x')} kernel`
          : `a ${node?.kind}`;
      throw new TransformError(`strategy 1 replaces 3x3 filters, but ${name} is ${what}`);
    }
  }
  const copy = editCopy(description, `strategy1.replace3x3With1x1(${names.join(', ')})`);
  const shapes = nodeShapes(description);
  for (const name of names) {
    const conv = findNode(copy.layers, name) as ConvLayer;
    foldExplicitSamePadding(copy, conv, (n) => shapes.get(n)?.input);
    conv.kernelSize = [1, 1];
  }
  return checked(copy);
}
