// A data batch (plain typed arrays) as tensors: one copy of the pixels, labels as int64.
import { tensor, type Tensor } from '../engine/index.js';
import type { Batch } from '../data/index.js';
import type { MemoryFormat } from './memory-format.js';

/**
 * NCHW batches become NCHW tensors. NHWC batches become NCHW-shaped tensors with channels_last strides
 * (a permuted view, no second copy), which is what libtorch's channels_last format is.
 */
export function batchTensors(batch: Batch, format: MemoryFormat): { x: Tensor; y: Tensor } {
  const channelsLast = format === 'channels-last';
  const y = tensor(batch.labels, [batch.labels.length], { dtype: 'int64' });
  const stored = tensor(batch.images, batch.shape);
  if (batch.layout === 'nchw') return { x: channelsLast ? stored.contiguous('channels_last') : stored, y };
  const x = stored.permute([0, 3, 1, 2]);
  return { x: channelsLast ? x : x.contiguous(), y };
}
