// foldBatchNorms on modules: which BatchNorms it folds (right after a convolution in a Sequential, with
// no activation in between) and that the folded convolution computes conv then BatchNorm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, noGrad, rand, randn, tidy } from '../../src/engine/index.js';
import {
  Activation,
  BatchNormalization,
  Conv2D,
  DepthwiseConv2D,
  SeparableConv2D,
  Sequential,
  foldBatchNorms,
  type Module,
} from '../../src/nn/index.js';

/** A BatchNorm in inference mode whose scale, offset and statistics are far from 1 and 0. */
function batchNorm(channels: number): BatchNormalization {
  const bn = new BatchNormalization(channels);
  noGrad(() => {
    bn.weight.copy_(tidy(() => rand([channels]).add(0.5)));
    bn.bias.copy_(tidy(() => randn([channels])));
    bn.runningMean.copy_(tidy(() => randn([channels])));
    bn.runningVar.copy_(tidy(() => rand([channels]).add(0.5)));
  });
  return bn;
}

function kinds(model: Module): string[] {
  return model.children().map(([, module]) => module.constructor.name);
}

function outputs(model: Module, x: ReturnType<typeof randn>): Float32Array {
  return noGrad(() => tidy(() => model.eval().forward(x).toFloat32Array()));
}

test('a BatchNorm after Conv2D (no bias), DepthwiseConv2D (bias) and SeparableConv2D is folded into it', () => {
  manualSeed(1);
  const model = new Sequential([
    new Conv2D(3, 4, 3, { useBias: false, padding: 'same' }),
    batchNorm(4),
    new DepthwiseConv2D(4, 3, { strides: 2, padding: 'same' }),
    batchNorm(4),
    new SeparableConv2D(4, 5, 3, { useBias: false }),
    batchNorm(5),
  ]);
  const x = randn([2, 3, 16, 16]);
  const expected = outputs(model, x);
  assert.equal(foldBatchNorms(model), 3);
  assert.deepEqual(kinds(model), ['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D']);
  assert.deepEqual(
    model.layers.map((layer) => layer.constructor.name),
    kinds(model),
  );
  assert.deepEqual(Object.keys(model.stateDict()), [
    '0.weight',
    '0.bias',
    '2.weight',
    '2.bias',
    '4.depthwise.weight',
    '4.pointwise.weight',
    '4.pointwise.bias',
  ]);
  const folded = outputs(model, x);
  folded.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) <= 1e-5, `output ${i}: ${v} vs ${expected[i]}`),
  );
  x.dispose();
  model.dispose();
});

test('a BatchNorm after an activation, after a conv with its own activation, or first is left alone', () => {
  manualSeed(2);
  const model = new Sequential([
    batchNorm(3),
    new Conv2D(3, 4, 1),
    new Activation('relu'),
    batchNorm(4),
    new Conv2D(4, 4, 1, { activation: 'relu' }),
    batchNorm(4),
  ]);
  const x = randn([1, 3, 8, 8]);
  const expected = outputs(model, x);
  assert.equal(foldBatchNorms(model), 0);
  assert.equal(model.layers.length, 6);
  assert.deepEqual(outputs(model, x), expected);
  x.dispose();
  model.dispose();
});
