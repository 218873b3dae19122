import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kendallTau } from '../../src/search/kendall.js';

describe('Kendall τ-b', () => {
  it('is 1 for the same order, -1 for the reverse, null for a constant side', () => {
    assert.equal(kendallTau([1, 2, 3, 4], [10, 20, 30, 40]), 1);
    assert.equal(kendallTau([1, 2, 3, 4], [4, 3, 2, 1]), -1);
    assert.equal(kendallTau([1, 2, 3], [5, 5, 5]), null);
    assert.equal(kendallTau([1], [1]), null);
  });

  it('handles ties as τ-b (scipy.stats.kendalltau gives -0.4714045207910317)', () => {
    const tau = kendallTau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])!;
    assert.ok(Math.abs(tau - -0.4714045207910317) < 1e-12, String(tau));
  });
});
