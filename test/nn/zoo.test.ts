// Every zoo model built as real modules: Keras' parameter counts, the same output shapes as the
// description's shape inference, and a forward pass plus one training step at 64×64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randn, randint, tidy, F, Adam, manualSeed } from '../../src/engine/index.js';
import { buildModel } from '../../src/models/build.js';
import { describeModel } from '../../src/zoo/registry.js';
import { inferShapes, descriptionInputShape } from '../../src/analysis/shapes.js';

const KERAS_TOTALS: Record<string, { head101: number; backbone?: number }> = {
  xception: { head101: 21_068_429, backbone: 20_861_480 },
  'xception-lite': { head101: 15_834_933 },
  'mobilenet-v2': { head101: 2_387_365, backbone: 2_257_984 },
  'efficientnet-v2-b1': { head101: 7_060_505, backbone: 6_931_124 },
};

for (const [name, expected] of Object.entries(KERAS_TOTALS)) {
  test(`${name}: built modules count Keras' parameters exactly`, () => {
    const model = buildModel(describeModel(name, { numClasses: 101, inputSize: 64 }));
    assert.equal(model.countParameters().total, expected.head101);
    model.dispose();
    if (expected.backbone !== undefined) {
      const backbone = buildModel(describeModel(name, { includeHead: false, inputSize: 64 }));
      assert.equal(backbone.countParameters().total, expected.backbone);
      backbone.dispose();
    }
  });

  test(`${name}: output shapes agree with shape inference; forward and a training step run at 64×64`, () => {
    manualSeed(0);
    const backboneDescription = describeModel(name, { includeHead: false, inputSize: 64 });
    const [h, w, c] = inferShapes(backboneDescription.layers, descriptionInputShape(backboneDescription))
      .output as number[];
    const backbone = buildModel(backboneDescription);
    tidy(() => {
      backbone.eval();
      assert.deepEqual(backbone.forward(randn([1, 3, 64, 64]).mul(100).add(127)).shape, [1, c, h, w]);
    });
    backbone.dispose();

    const model = buildModel(describeModel(name, { numClasses: 5, inputSize: 64 }));
    const optimizer = new Adam(model.trainableParameters());
    tidy(() => {
      const x = randn([2, 3, 64, 64]).mul(60).add(127);
      const logits = model.forward(x);
      assert.deepEqual(logits.shape, [2, 5]);
      const loss = F.crossEntropy(logits, randint(0, 5, [2]));
      assert.ok(Number.isFinite(loss.item()));
      loss.backward();
      const withoutGrad = model.trainableParameters().filter(([, p]) => p.grad === null);
      assert.deepEqual(
        withoutGrad.map(([n]) => n),
        [],
        'every trainable parameter receives a gradient',
      );
      const before = model.namedParameters()[0][1].toArray();
      optimizer.update();
      assert.notDeepEqual(model.namedParameters()[0][1].toArray(), before, 'the step changes the weights');
    });
    optimizer.dispose();
    model.dispose();
  });
}
