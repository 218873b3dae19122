// Flatten, the layer type added as docs/ARCHITECTURE.md's worked example: its shape, its Keras
// (channels-last) element order in the built module, and its costs in the summary.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarize } from '../../src/analysis/summary.js';
import { arange, tidy } from '../../src/engine/index.js';
import { conv2d, dense, flatten } from '../../src/layers/index.js';
import { buildModel } from '../../src/models/build.js';
import { DESCRIPTION_SCHEMA, type ModelDescription } from '../../src/models/description.js';

const DESCRIPTION: ModelDescription = {
  schema: DESCRIPTION_SCHEMA,
  name: 'flat',
  family: 'xception',
  input: { height: 4, width: 4, channels: 3, pixelRange: [0, 255] },
  numClasses: 5,
  layers: [conv2d('conv', 2, 3), flatten('flatten'), dense('fc', 5)],
  transforms: [],
};

describe('Flatten', () => {
  it('flattens (2, 2, 2) to 8 inputs of the dense layer, with no weights and no MACs of its own', () => {
    const summary = summarize(DESCRIPTION, { batchSize: 1 });
    const row = summary.layers.find((l) => l.name === 'flatten')!;
    assert.deepEqual(row.outputShape, [8]);
    assert.deepEqual(row.params, { total: 0, trainable: 0, nonTrainable: 0 });
    assert.equal(row.macs, 0);
    assert.equal(summary.layers.find((l) => l.name === 'fc')!.params.total, 8 * 5 + 5);
    assert.ok(summary.memory.trainingPeakBytes > 0);
  });

  it("orders elements as Keras does (channels-last), not as NCHW's memory", () => {
    const model = buildModel({ ...DESCRIPTION, layers: [flatten('flatten')], numClasses: null });
    tidy(() => {
      // NCHW values whose channels-last position is the value itself: h * 4 * 3 + w * 3 + c.
      const hwc = arange(0, 48, 1, { dtype: 'float32' }).reshape([1, 4, 4, 3]);
      assert.deepEqual(model.forward(hwc.permute([0, 3, 1, 2])).toArray(), hwc.flatten().toArray());
    });
    model.dispose();
  });

  it('builds into a model that runs forward and backward', () => {
    const model = buildModel(DESCRIPTION);
    tidy(() => {
      const y = model.forward(
        arange(0, 2 * 48, 1, { dtype: 'float32' })
          .reshape([2, 3, 4, 4])
          .div(96),
      );
      assert.deepEqual(y.shape, [2, 5]);
      y.sum().backward();
      assert.ok(model.trainableParameters().every(([, p]) => p.grad !== null));
    });
    model.dispose();
  });
});
