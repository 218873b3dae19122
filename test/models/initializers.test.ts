import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kerasFans, resolveInitializer } from '../../src/nn/initializers.js';
import { layerWeights } from '../../src/layers/index.js';
import { depthwiseConv2d, separableConv2d } from '../../src/layers/index.js';

describe('initializers', () => {
  it('computes fans on Keras kernel shapes, including depthwise (kh, kw, in, multiplier)', () => {
    assert.deepEqual(kerasFans([2048, 101]), { fanIn: 2048, fanOut: 101 });
    assert.deepEqual(kerasFans([3, 3, 32, 64]), { fanIn: 288, fanOut: 576 });
    const [dw] = layerWeights(depthwiseConv2d('dw', 3), 32);
    assert.deepEqual(dw!.shape, [3, 3, 32, 1]);
    assert.deepEqual(kerasFans(dw!.shape), { fanIn: 288, fanOut: 9 });
  });

  it('resolves glorot_uniform to U(+-sqrt(6 / (fan_in + fan_out)))', () => {
    const s = resolveInitializer({ name: 'glorot_uniform' }, { fanIn: 2048, fanOut: 101 });
    assert.equal(s.distribution, 'uniform');
    assert.ok(s.distribution === 'uniform' && Math.abs(s.limit - Math.sqrt(6 / 2149)) < 1e-12);
  });

  it("resolves EfficientNetV2's CONV_KERNEL_INITIALIZER to a truncated normal corrected for truncation", () => {
    const s = resolveInitializer(
      { name: 'variance_scaling', scale: 2, mode: 'fan_out', distribution: 'truncated_normal' },
      { fanIn: 27, fanOut: 288 },
    );
    assert.ok(s.distribution === 'truncated_normal');
    assert.ok(Math.abs(s.stddev - Math.sqrt(2 / 288) / 0.87962566103423978) < 1e-12);
    assert.ok(Math.abs(s.bound - 2 * s.stddev) < 1e-15);
  });

  it('gives SeparableConv2D a depthwise and a pointwise kernel and the bias to the pointwise', () => {
    const weights = layerWeights(separableConv2d('s', 64, 3, { useBias: true }), 32);
    assert.deepEqual(
      weights.map((w) => [w.name, w.shape]),
      [
        ['depthwise_kernel', [3, 3, 32, 1]],
        ['pointwise_kernel', [1, 1, 32, 64]],
        ['bias', [64]],
      ],
    );
  });
});
