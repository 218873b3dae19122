import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tidy, tensor } from '../../src/engine/index.js';
import { BatchNormalization, Dropout, Sequential } from '../../src/nn/index.js';
import type { Batch } from '../../src/data/index.js';
import { recalibrateBatchNorm } from '../../src/train/recalibrate.js';

const CHANNELS = 3;
const SIDE = 2;

/** n NCHW images whose channel c holds values around 10·(c+1) + offset. */
function makeBatch(n: number, offset: number, seed: number): Batch {
  const images = new Float32Array(n * CHANNELS * SIDE * SIDE);
  let state = seed;
  for (let i = 0; i < images.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const channel = Math.floor(i / (SIDE * SIDE)) % CHANNELS;
    images[i] = 10 * (channel + 1) + offset + (state / 2147483648) * 4;
  }
  return {
    images,
    labels: new Int32Array(n),
    shape: [n, CHANNELS, SIDE, SIDE],
    layout: 'nchw',
    indices: Int32Array.from({ length: n }, (_, i) => i),
  };
}

/** Per channel: the mean over every image, and the image-weighted mean of each batch's unbiased variance. */
function expectedStatistics(batches: Batch[]): { mean: number[]; variance: number[] } {
  const total = batches.reduce((sum, b) => sum + b.shape[0], 0);
  const mean = new Array<number>(CHANNELS).fill(0);
  const variance = new Array<number>(CHANNELS).fill(0);
  for (const batch of batches) {
    for (let c = 0; c < CHANNELS; c++) {
      const values: number[] = [];
      for (let i = 0; i < batch.shape[0]; i++) {
        const start = (i * CHANNELS + c) * SIDE * SIDE;
        values.push(...batch.images.subarray(start, start + SIDE * SIDE));
      }
      const m = values.reduce((a, b) => a + b, 0) / values.length;
      const v = values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1);
      mean[c] += (m * batch.shape[0]) / total;
      variance[c] += (v * batch.shape[0]) / total;
    }
  }
  return { mean, variance };
}

async function* iterate(batches: Batch[]): AsyncGenerator<Batch> {
  yield* batches;
}

test('recalibrateBatchNorm replaces slow moving statistics by the data average; frozen layers keep theirs', async () => {
  const frozen = new BatchNormalization(CHANNELS, { momentum: 0.999 }).setTrainable(false);
  const live = new BatchNormalization(CHANNELS, { momentum: 0.999 });
  const net = new Sequential([frozen, new Dropout(0.5), live]);
  // Different offsets per batch and a short last batch: a plain (unweighted) average would differ.
  const batches = [makeBatch(8, 0, 1), makeBatch(8, 3, 2), makeBatch(3, -6, 3)];

  const result = await recalibrateBatchNorm(net, iterate(batches));

  assert.deepEqual(result, { layers: 1, images: 19 });
  // The frozen layer kept its initial statistics (mean 0, variance 1) though its inputs are near 10-30.
  assert.deepEqual(frozen.runningMean.toArray(), new Array<number>(CHANNELS).fill(0));
  assert.deepEqual(frozen.runningVar.toArray(), new Array<number>(CHANNELS).fill(1));
  // So the live layer saw the images divided by sqrt(1 + epsilon) (Keras' default epsilon, 1e-3).
  const scale = 1 / Math.sqrt(1 + 1e-3);
  const expected = expectedStatistics(batches);
  const mean = live.runningMean.toArray();
  const variance = live.runningVar.toArray();
  for (let c = 0; c < CHANNELS; c++) {
    assert.ok(
      Math.abs(mean[c] - expected.mean[c] * scale) < 1e-3,
      `channel ${c} mean ${mean[c]} ≠ ${expected.mean[c] * scale}`,
    );
    assert.ok(
      Math.abs(variance[c] - expected.variance[c] * scale ** 2) < 1e-3,
      `channel ${c} variance ${variance[c]} ≠ ${expected.variance[c] * scale ** 2}`,
    );
  }
  assert.equal(net.training, true, 'the mode it had is restored');
  assert.equal(live.recalibrationMomentum, null);

  // In eval mode the recalibrated network now normalises the data it was recalibrated on.
  net.eval();
  tidy(() => {
    const out = net.forward(tensor(batches[0].images, batches[0].shape));
    assert.ok(Math.abs(out.mean().item()) < 0.5, `eval output mean ${out.mean().item()}`);
  });
});
