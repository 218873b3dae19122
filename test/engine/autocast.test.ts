// autocast(): libtorch's CPU autocast to bfloat16 for a block, entered and left as torch.autocast('cpu').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autocast, isAutocastEnabled, noGrad, randn, tidy, F } from '../../src/engine/index.js';
import { native } from '../../src/engine/native.js';

test('inside autocast a convolution and a matmul compute in bfloat16, outside in float32', () => {
  tidy(() => {
    const x = randn([1, 3, 8, 8]);
    const w = randn([4, 3, 3, 3]);
    assert.equal(
      autocast(() => F.conv2d(x, w).dtype),
      'bfloat16',
    );
    assert.equal(
      autocast(() => randn([2, 3]).matmul(randn([3, 4])).dtype),
      'bfloat16',
    );
    assert.equal(F.conv2d(x, w).dtype, 'float32');
    assert.equal(isAutocastEnabled(), false);
  });
});

test('leaving a region restores the state before it: after nesting, and after a throw', () => {
  autocast(() => {
    autocast(() => assert.equal(isAutocastEnabled(), true));
    assert.equal(isAutocastEnabled(), true, 'the inner region left the outer one on');
  });
  assert.equal(isAutocastEnabled(), false);
  assert.throws(
    () =>
      autocast(() => {
        throw new Error('inside');
      }),
    /inside/,
  );
  assert.equal(isAutocastEnabled(), false);
  assert.equal(native.autocastCpuDtype(), 'bfloat16');
});

test('a weight updated between two regions is cast again: the cast cache is cleared on leaving', () => {
  tidy(() => {
    const x = randn([2, 3, 8, 8]);
    const w = randn([4, 3, 3, 3]).requiresGrad_();
    const before = autocast(() => F.conv2d(x, w)).toFloat32Array();
    noGrad(() => w.add_(1));
    const after = autocast(() => F.conv2d(x, w));
    const expected = noGrad(() => F.conv2d(x, w));
    // bf16 has 8 significant bits: the updated weight's result, not the stale one, within that.
    const error = after.sub(expected).abs().max().item();
    const scale = expected.abs().max().item();
    assert.ok(error <= 2e-2 * scale, `bf16 result off by ${error} (scale ${scale})`);
    assert.notDeepEqual(after.toFloat32Array(), before);
  });
});
