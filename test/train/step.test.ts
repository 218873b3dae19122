// The ordinary training step frees the previous step's gradients before its forward pass, as the
// memory model assumes (src/analysis/memory.ts): freed after it, they were alive through the forward
// pass, which is where the peak is for weight-heavy models (MobileNetV2 at 32-64 px measured +7-9%).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, keep, manualSeed, randint, randn, tidy, type Tensor } from '../../src/engine/index.js';
import { trainStep } from '../../src/train/step.js';
import { smallModel } from '../helpers/small-model.js';

test('a training step has no gradient alive during its forward pass', () => {
  manualSeed(3);
  const model = smallModel();
  const optimizer = new Adam(model.trainableParameters());
  const x = keep(tidy(() => randn([4, 1, 8, 8])));
  const y = keep(randint(0, 2, [4]));
  const withGradients: number[] = [];
  const forward = model.forward.bind(model);
  model.forward = (input: Tensor) => {
    withGradients.push(model.trainableParameters().filter(([, p]) => p.grad !== null).length);
    return forward(input);
  };
  try {
    for (let i = 0; i < 3; i++) trainStep(model, optimizer, x, y);
    assert.equal(withGradients.length, 3, 'the forward pass ran once per step');
    assert.deepEqual(withGradients, [0, 0, 0]);
    assert.ok(
      model.trainableParameters().every(([, p]) => p.grad !== null),
      'after a step its gradients are there (the test would pass vacuously otherwise)',
    );
  } finally {
    optimizer.dispose();
    model.dispose();
    x.dispose();
    y.dispose();
  }
});
