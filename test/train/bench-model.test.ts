// benchModel, the library function behind `pareto-edge bench`: what it reports about a small model
// (inference of the training graph and with BatchNorm folded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benchModel, buildModel, describeModel, ModelOptionsError } from '../../src/index.js';

test('benchModel times training steps and inference and reports the built model', () => {
  const options = { input: 32, batch: 2, steps: 2, classes: 3, threads: 1, memoryFormat: 'nchw' as const };
  const result = benchModel('xception-mini', options);
  const model = buildModel(
    describeModel('xception-mini', { numClasses: 3, inputSize: 32, includePreprocessing: false }),
  );
  const counts = model.countParameters();
  model.dispose();
  assert.deepEqual(result.params, { total: counts.total, trainable: counts.trainable });
  assert.equal(result.threads, 1);
  assert.deepEqual(result.memoryFormat, { format: 'nchw', chosen: 'forced' });
  assert.equal(result.train.steps, 2);
  assert.ok(result.train.stepMs.median > 0 && result.infer.batchMs.median > 0);
  assert.ok(result.infer.folded.batchMs.median > 0, 'inference with BatchNorm folded is timed too');
  assert.ok(Math.abs(result.infer.folded.imagesPerS - 2000 / result.infer.folded.batchMs.median) < 1e-9);
  assert.ok(Math.abs(result.train.imagesPerS - 2000 / result.train.stepMs.median) < 1e-9);
  assert.ok(result.memory.peakTensorBytes > 0);
});

test('benchModel names an unknown model and the known ones', () => {
  assert.throws(
    () => benchModel('no-such-model', { input: 32, batch: 2, steps: 1, classes: 2 }),
    (error: unknown) => error instanceof ModelOptionsError && /models: xception, /.test(error.message),
  );
});
