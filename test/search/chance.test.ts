// The chance front: what a search's front size would be if accuracy were unrelated to architecture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chanceFront } from '../../src/search/chance.js';

/** n networks whose memory and time both grow with i; accuracy from `accuracyOf(i)` (costs: -accuracy). */
const chain = (n: number, accuracyOf: (i: number) => number): number[][] =>
  Array.from({ length: n }, (_, i) => [-accuracyOf(i), 10 + i, 1 + i]);

test('a real trade-off: every network on the front, a front that chance almost never makes', () => {
  const n = 10;
  const result = chanceFront(
    chain(n, (i) => 0.6 + 0.01 * i),
    { permutations: 4000 },
  );
  assert.equal(result.observed, n);
  // With memory and time in the same order, a shuffled network is on the front when it is more
  // accurate than every smaller one: a record, of which a random order has H_n on average.
  const harmonic = Array.from({ length: n }, (_, i) => 1 / (i + 1)).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(result.mean - harmonic) < 0.1, `mean ${result.mean}, H_${n} = ${harmonic}`);
  assert.ok(result.atLeastObserved < 0.01, `${result.atLeastObserved}`);
});

test('no trade-off: the smallest network is also the most accurate, so the front is one whatever the order', () => {
  const result = chanceFront(chain(8, () => 0.7));
  assert.deepEqual(
    { observed: result.observed, mean: result.mean, atLeast: result.atLeastObserved },
    { observed: 1, mean: 1, atLeast: 1 },
  );
});

test('seeded: the same seed gives the same figures, another seed others', () => {
  const costs = chain(12, (i) => [0.71, 0.69, 0.73, 0.7, 0.72, 0.68][i % 6]!);
  assert.deepEqual(chanceFront(costs, { seed: 3 }), chanceFront(costs, { seed: 3 }));
  assert.notDeepEqual(chanceFront(costs, { seed: 3 }).mean, chanceFront(costs, { seed: 4 }).mean);
});
