// inferenceCopy: the model eval and predict run, with BatchNorm folded into the convolutions. For
// every zoo model its logits equal the training graph's in inference mode, no BatchNorm is left (each
// follows a convolution), and the model it was copied from keeps its weights and BatchNorms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  getRngState,
  lifetimeStats,
  manualSeed,
  noGrad,
  rand,
  randn,
  setRngState,
  tidy,
} from '../../src/engine/index.js';
import { inferenceCopy, type DescribedModel } from '../../src/models/index.js';
import { BatchNormalization, type Module } from '../../src/nn/index.js';
import { seededModel } from '../export/helpers.js';

const INPUT = 32;
const CLASSES = 3;
/**
 * Tighter than the 1e-4 issue 17 asks for: float32 rounding measured ≤ 2e-7 on logits of ~0.1-0.4, and a fold
 * that forgot BatchNorm's epsilon is off by ≥ 3e-5 on every model.
 */
const TOLERANCE = 1e-5;

function batchNorms(model: Module): number {
  return model.namedModules().filter(([, module]) => module instanceof BatchNormalization).length;
}

function maxLogitDelta(a: DescribedModel, b: DescribedModel, x: ReturnType<typeof randn>): number {
  return noGrad(() => tidy(() => a.forward(x).sub(b.forward(x)).abs().max().item()));
}

for (const name of ['xception', 'xception-lite', 'mobilenet-v2', 'efficientnet-v2-b1', 'xception-mini']) {
  test(`${name}: the folded copy has no BatchNorm left and the same logits; the model is unchanged`, () => {
    const model = seededModel(name, CLASSES, INPUT);
    const before = tidy(() => Object.entries(model.stateDict()).map(([key, t]) => [key, t.clone()] as const));
    const { model: copy, foldedBatchNorms } = inferenceCopy(model);
    const x = randn([2, 3, INPUT, INPUT]);
    try {
      assert.ok(batchNorms(model) > 0);
      assert.equal(batchNorms(copy), 0);
      assert.equal(foldedBatchNorms, batchNorms(model));
      const delta = maxLogitDelta(model, copy, x);
      assert.ok(delta <= TOLERANCE, `max |Δlogit| ${delta} > ${TOLERANCE}`);
      const after = model.stateDict();
      assert.deepEqual(
        Object.keys(after),
        before.map(([key]) => key),
      );
      for (const [key, t] of before) assert.ok(after[key].allclose(t, 0, 0), `${key} changed`);
    } finally {
      x.dispose();
      for (const [, t] of before) t.dispose();
      copy.dispose();
      model.dispose();
    }
  });
}

test('the folded copy computes the same logits on a channels-last input', () => {
  const model = seededModel('mobilenet-v2', CLASSES, INPUT);
  const copy = inferenceCopy(model).model;
  const x = tidy(() => randn([2, 3, INPUT, INPUT]).contiguous('channels_last'));
  try {
    assert.equal(batchNorms(copy), 0);
    const delta = maxLogitDelta(model, copy, x);
    assert.ok(delta <= TOLERANCE, `max |Δlogit| ${delta} > ${TOLERANCE}`);
  } finally {
    x.dispose();
    copy.dispose();
    model.dispose();
  }
});

test('making a copy leaves the global generator where it was', () => {
  const model = seededModel('xception-mini', CLASSES, INPUT);
  manualSeed(3);
  const state = getRngState();
  const expected = tidy(() => rand([4]).toArray());
  setRngState(state);
  inferenceCopy(model).model.dispose();
  const drawn = tidy(() => rand([4]).toArray());
  state.dispose();
  model.dispose();
  assert.deepEqual(drawn, expected);
});

test('a disposed copy leaves no tensor alive', () => {
  const model = seededModel('xception-mini', CLASSES, INPUT);
  const before = lifetimeStats().liveTensors;
  inferenceCopy(model).model.dispose();
  assert.equal(lifetimeStats().liveTensors, before);
  model.dispose();
});
