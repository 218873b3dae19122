// What every zoo model shares around its backbone: the paper's classifier head and the input
// preprocessing that lets every description take raw [0, 255] pixels.
import type { Node } from './description.js';
import { sequence } from './nodes.js';
import { dense, dropout, globalAveragePool, rescaling } from '../layers/index.js';

/**
 * The paper's head (its code adds the same one to every model): GlobalAveragePooling2D ->
 * Dropout(0.2) -> Dense(classes) with Keras default initializers (glorot_uniform kernel, zero bias).
 * The Dense emits logits: the paper's softmax output combined with from_logits=True was a bug, so
 * the softmax belongs to the loss.
 */
export function classifierHead(numClasses: number, dropoutRate = 0.2): Node {
  return sequence('head', 'head', [
    globalAveragePool('avg_pool'),
    dropout('top_dropout', dropoutRate),
    dense('predictions', numClasses),
  ]);
}

/**
 * Keras' preprocess_input mode 'tf' for Xception and MobileNetV2 (x / 127.5 - 1), here inside the
 * model as the paper's code has it (Rescaling(1/127.5, offset=-1)); no weights.
 */
export function tfModePreprocessing(): Node {
  return sequence('preprocessing', 'preprocessing', [rescaling('rescaling', 1 / 127.5, -1)]);
}
