// Numbers the addon would narrow to int64 (NaN → 0, 2.7 → 2, Infinity → 0) are refused with the
// argument's name and value, by the engine and again by the addon itself; handles are typed, so a
// Generator cannot pass for a Tensor; a gradient must match its tensor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  F,
  Generator,
  SGD,
  eye,
  manualSeed,
  memoryStats,
  ones,
  randint,
  randn,
  setAllocatorCacheLimit,
  tensor,
  tidy,
  zeros,
} from '../../src/engine/index.js';
import { native, type GeneratorHandle, type Handle } from '../../src/engine/native.js';

const notIntegers = [NaN, Infinity, -Infinity, 2.7, 2 ** 53 + 2];

test('creation refuses shapes that are not non-negative integers, naming the entry and its value', () => {
  for (const bad of [...notIntegers, -1]) {
    assert.throws(() => zeros([2, bad]), {
      name: 'RangeError',
      message: new RegExp(
        `shape\\[1\\] must be a non-negative integer, got ${String(bad).replace('+', '\\+')}`,
      ),
    });
  }
  assert.throws(() => ones([NaN]), /shape\[0\]/);
  assert.throws(() => randn([1.5]), /shape\[0\]/);
  assert.throws(() => tensor([1, 2], [2.5]), /shape\[0\]/);
  assert.throws(() => zeros('3' as never), { name: 'TypeError', message: /shape must be an array/ });
  assert.throws(() => eye(NaN), /n must be a non-negative integer, got NaN/);
  assert.throws(() => randint(0, 2.5, [2]), /high must be an integer, got 2\.5/);
});

test('dims and indices must be integers: select(0, NaN) and unsqueeze(Infinity) are errors', () => {
  tidy(() => {
    const x = randn([2, 3]);
    assert.throws(() => x.select(0, NaN), {
      name: 'RangeError',
      message: /index must be an integer, got NaN/,
    });
    assert.throws(() => x.select(0.5, 1), /dim must be an integer, got 0\.5/);
    assert.throws(() => x.unsqueeze(Infinity), /dim must be an integer, got Infinity/);
    assert.throws(() => x.transpose(0, 1.5), /dim1 must be an integer, got 1\.5/);
    assert.throws(() => x.sum([0, NaN]), /dims\[1\] must be an integer, got NaN/);
    assert.throws(() => x.reshape([3, 2.5]), /shape\[1\]/);
    assert.throws(() => x.narrow(1, 0, 1.5), /length must be a non-negative integer, got 1\.5/);
    assert.throws(() => x.slice(1, 0, NaN), /end must be an integer, got NaN/);
    assert.throws(() => x.split(0.5), /size must be a positive integer, got 0\.5/);
    assert.throws(() => x.topk(NaN), /k must be a non-negative integer, got NaN/);
    assert.throws(() => F.softmax(x, 0.5), /dim must be an integer/);
  });
});

test('reshape keeps -1 for an inferred size; slice keeps an absent end', () => {
  tidy(() => {
    assert.deepEqual(randn([2, 3]).reshape([-1]).shape, [6]);
    assert.deepEqual(randn([2, 3]).slice(1, 1).shape, [2, 2]);
  });
});

test('convolution and pooling refuse fractional strides, kernels, padding and groups', () => {
  tidy(() => {
    const x = randn([1, 2, 6, 6]);
    const w = randn([2, 2, 3, 3]);
    assert.throws(
      () => F.conv2d(x, w, null, { stride: 1.5 }),
      /stride\[0\] must be a positive integer, got 1\.5/,
    );
    assert.throws(() => F.conv2d(x, w, null, { padding: [NaN, 1] }), /padding/);
    assert.throws(() => F.conv2d(x, w, null, { groups: 0.5 }), /groups must be a positive integer/);
    assert.throws(() => F.maxPool2d(x, [2, Infinity]), /kernel\[1\]/);
    assert.throws(() => F.avgPool2d(x, 2, { stride: 0.5 }), /stride\[0\]/);
    assert.throws(
      () =>
        F.pad2d(x, [
          [0.5, 0],
          [0, 0],
        ]),
      /padding/,
    );
  });
});

test('setAllocatorCacheLimit(-1) is refused and leaves the limit as it was', () => {
  const before = memoryStats().cacheLimitBytes;
  for (const bad of [-1, NaN, 1.5, Infinity]) {
    assert.throws(() => setAllocatorCacheLimit(bad), {
      name: 'RangeError',
      message: /bytes must be a non-negative integer/,
    });
  }
  assert.equal(memoryStats().cacheLimitBytes, before);
});

test('seeds must be non-negative integers', () => {
  assert.throws(() => manualSeed(1.5), /seed must be a non-negative integer, got 1\.5/);
  assert.throws(() => manualSeed(-1), /seed must be a non-negative integer, got -1/);
  assert.throws(() => new Generator(NaN), /seed must be a non-negative integer, got NaN/);
});

test('the addon itself refuses to narrow a number that is not an exact int64', () => {
  const x = zeros([2, 3]);
  try {
    for (const bad of notIntegers.slice(0, 4)) {
      assert.throws(() => native.zeros([bad]), {
        name: 'RangeError',
        message: /expected an integer for shape/,
      });
      assert.throws(() => native.select(x.handle, 0, bad), /expected an integer for index, got/);
      assert.throws(() => native.unsqueeze(x.handle, bad), /expected an integer for dim, got/);
    }
    assert.throws(() => native.zeros([2.7]), /got 2\.7/);
    assert.throws(() => native.zeros([2 ** 64]), /expected an integer for shape/);
    assert.throws(() => native.setCacheLimit(-1), /expected a non-negative integer for bytes, got -1/);
    assert.throws(() => native.setCacheLimit(1.5), /expected an integer for bytes/);
    assert.throws(() => native.manualSeed(-1), /expected a non-negative integer for seed/);
    assert.throws(() => native.setNumThreads(2 ** 40), /threads/);
  } finally {
    x.dispose();
  }
});

test('a Generator handle passed as a Tensor is a TypeError, not a libtorch assertion', () => {
  const generator = new Generator(1).handle as unknown as Handle;
  assert.throws(() => native.relu(generator), { name: 'TypeError', message: /expected a Tensor/ });
  assert.throws(() => native.add(generator, 1n), { name: 'TypeError', message: /expected a Tensor/ });
  assert.throws(() => native.cat([generator], 0), { name: 'TypeError', message: /expected a Tensor/ });
  assert.throws(() => native.dispose(generator), { name: 'TypeError', message: /expected a Tensor/ });
  assert.throws(() => native.isDisposed(generator), { name: 'TypeError', message: /expected a Tensor/ });
  assert.throws(() => native.setRngState(generator), { name: 'TypeError', message: /expected a Tensor/ });
});

test('a Tensor handle passed as a Generator is a TypeError', () => {
  const x = zeros([2]);
  try {
    const asGenerator = x.handle as unknown as GeneratorHandle;
    assert.throws(() => native.rand([2], 'float32', undefined, asGenerator), {
      name: 'TypeError',
      message: /expected a Generator/,
    });
    assert.throws(() => native.uniform_(x.handle, 0, 1, asGenerator), {
      name: 'TypeError',
      message: /Generator/,
    });
    assert.equal(native.isDisposed(x.handle), false);
  } finally {
    x.dispose();
  }
});

test('a gradient of the wrong shape or dtype is refused on assignment', () => {
  tidy(() => {
    const p = zeros([2, 3]);
    assert.throws(() => (p.grad = zeros([9])), {
      name: 'RangeError',
      message: /gradient of shape \[9\] for a tensor of shape \[2, 3\]/,
    });
    assert.throws(() => (p.grad = zeros([2, 3], { dtype: 'float64' })), {
      name: 'TypeError',
      message: /gradient of dtype float64 on cpu for a tensor of dtype float32 on cpu/,
    });
    assert.equal(p.grad, null);
    p.grad = ones([2, 3]);
    new SGD([p], { learningRate: 1 }).update();
    assert.deepEqual(p.toArray(), [-1, -1, -1, -1, -1, -1]);
    p.grad = null;
    assert.equal(p.grad, null);
  });
});
