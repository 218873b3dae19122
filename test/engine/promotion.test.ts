// JavaScript numbers as operands follow PyTorch's promotion of Python scalars: an integer number
// behaves like a Python int, any other number like a Python float.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, tidy } from '../../src/engine/index.js';

const big = 2 ** 40 + 1; // exact in int64, rounded in float32: shows a detour through floats

test('an integer number keeps an integer tensor integer, with exact values', () => {
  tidy(() => {
    const x = tensor([big, -3], [2], { dtype: 'int64' });
    const sum = x.add(1);
    assert.equal(sum.dtype, 'int64');
    assert.deepEqual(sum.data(), new BigInt64Array([BigInt(big) + 1n, -2n]));
    assert.equal(x.sub(2).dtype, 'int64');
    assert.deepEqual(x.mul(3).data(), new BigInt64Array([BigInt(big) * 3n, -9n]));
    assert.deepEqual(x.remainder(4).toArray(), [1, 1]);
    assert.deepEqual(x.maximum(0).toArray(), [big, 0]);
    assert.deepEqual(x.clamp(-1, 5).data(), new BigInt64Array([5n, -1n]));
    assert.equal(tensor([7], [1], { dtype: 'int32' }).add(1).dtype, 'int32');
    assert.equal(tensor([7], [1], { dtype: 'uint8' }).mul(2).dtype, 'uint8');
  });
});

test('comparisons of an integer tensor with integer numbers are exact', () => {
  tidy(() => {
    const x = tensor([big, big + 1], [2], { dtype: 'int64' });
    // In float32 both elements round to the same value, so a float comparison cannot tell them apart.
    assert.deepEqual(x.eq(big + 1).toArray(), [0, 1]);
    assert.deepEqual(x.gt(big).toArray(), [0, 1]);
    assert.deepEqual(x.le(big).toArray(), [1, 0]);
  });
});

test('a non-integer number promotes an integer tensor to the default float', () => {
  tidy(() => {
    const x = tensor([1, 2], [2], { dtype: 'int64' });
    const half = x.add(0.5);
    assert.equal(half.dtype, 'float32');
    assert.deepEqual(half.toArray(), [1.5, 2.5]);
    assert.equal(x.mul(1.5).dtype, 'float32');
    assert.equal(x.clamp(0.5).dtype, 'float32');
    // True division of integers is float, as in PyTorch.
    assert.deepEqual(x.div(2).toArray(), [0.5, 1]);
  });
});

test('a float tensor keeps its dtype with integer and non-integer numbers', () => {
  tidy(() => {
    const x = tensor([1.5, -2], [2]);
    assert.equal(x.mul(2).dtype, 'float32');
    assert.deepEqual(x.mul(2).toArray(), [3, -4]);
    assert.equal(x.add(0.25).dtype, 'float32');
    assert.equal(x.pow(2).dtype, 'float32');
    const doubles = tensor([0.1], [1], { dtype: 'float64' });
    assert.equal(doubles.add(1).dtype, 'float64');
    assert.deepEqual(doubles.add(0.2).toArray(), [0.1 + 0.2]);
  });
});

test('a bool tensor becomes int64 with an integer number and float32 with a non-integer one', () => {
  tidy(() => {
    const flags = tensor([true, false]);
    const counted = flags.add(1);
    assert.equal(counted.dtype, 'int64');
    assert.deepEqual(counted.toArray(), [2, 1]);
    assert.equal(flags.mul(0.5).dtype, 'float32');
  });
});

test('in-place updates of an integer tensor with integer numbers stay exact', () => {
  tidy(() => {
    const x = tensor([big], [1], { dtype: 'int64' });
    x.add_(1).mul_(2);
    x.add_(x, 3);
    assert.equal(x.dtype, 'int64');
    assert.deepEqual(x.data(), new BigInt64Array([(BigInt(big) + 1n) * 2n * 4n]));
    x.fill_(big);
    x.clampMin_(big + 2);
    assert.deepEqual(x.data(), new BigInt64Array([BigInt(big) + 2n]));
  });
});
