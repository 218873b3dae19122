// Keras writes TensorFlow 'same' padding for stride-2 convs as ZeroPadding2D(correct_pad) followed by a
// 'valid' conv (MobileNetV2). When a transform changes such a conv's kernel or stride, that explicit
// padding would be wrong; folding it back into padding 'same' keeps the intent.
import { samePadding } from '../engine/padding.js';
import type { Shape } from '../layers/index.js';
import type { ModelDescription } from '../models/description.js';
import type { ConvLayer } from '../layers/index.js';
import { parentListOf, TransformError } from './edit.js';

/**
 * If `conv` (inside `copy`) is 'valid' and directly follows a ZeroPadding2D, remove that layer and give
 * the conv padding 'same', provided the explicit padding equals TensorFlow 'same' for the conv as it
 * was at that input (`paddingInput`, the padding layer's input shape in the untransformed model).
 */
export function foldExplicitSamePadding(
  copy: ModelDescription,
  conv: ConvLayer,
  paddingInput: (name: string) => Shape | undefined,
): void {
  if (conv.padding !== 'valid') return;
  const parent = parentListOf(copy.layers, conv.name);
  const previous = parent && parent.index > 0 ? parent.list[parent.index - 1] : undefined;
  if (!parent || !previous || previous.kind !== 'ZeroPadding2D') return;
  const input = paddingInput(previous.name);
  if (!input || input.length !== 3) return;
  const expected = [0, 1].map((axis) =>
    samePadding(input[axis]!, conv.kernelSize[axis]!, conv.strides[axis]!, conv.dilationRate[axis]!),
  );
  const matches = expected.every(
    (p, axis) => p[0] === previous.padding[axis]![0] && p[1] === previous.padding[axis]![1],
  );
  if (!matches)
    throw new TransformError(
      `${conv.name} follows ${previous.name} with padding ${JSON.stringify(previous.padding)}, which is not ` +
        `'same' padding for it; change that padding first`,
    );
  parent.list.splice(parent.index - 1, 1);
  conv.padding = 'same';
}
