// relu6 in bfloat16: libtorch 1.13's relu6 (hardtanh) has no bfloat16 backward, so bfloat16 inputs go
// through relu6FromRelu, which must compute exactly what relu6 computes, values and gradients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, tensor, tidy, type Tensor } from '../../src/engine/index.js';
import { activate, relu6FromRelu } from '../../src/nn/index.js';

// The boundaries (0 and 6 exactly, where hardtanh's gradient is 0) and values on every side of them.
const VALUES = [-7, -1e-30, 0, 1e-30, 1e-8, 0.5, 3, 5.999999, 6, 6.000001, 7, 1e30];

function valueAndGradient(fn: (x: Tensor) => Tensor, dtype: 'float32' | 'bfloat16'): [number[], number[]] {
  return tidy(() => {
    const x = tensor(VALUES, [VALUES.length]).to(dtype).requiresGrad_();
    const y = fn(x);
    // A different weight per element, so a gradient in the wrong place shows.
    y.mul(
      tensor(
        VALUES.map((_, i) => i + 1),
        [VALUES.length],
      ).to(dtype),
    )
      .sum()
      .backward();
    return [Array.from(y.to('float32').toFloat32Array()), Array.from(x.grad!.to('float32').toFloat32Array())];
  });
}

test('relu6FromRelu gives relu6’s float32 values and gradients exactly, at 0 and 6 too', () => {
  const [expectedValues, expectedGradient] = valueAndGradient(F.relu6, 'float32');
  const [values, gradient] = valueAndGradient(relu6FromRelu, 'float32');
  assert.deepEqual(values, expectedValues);
  assert.deepEqual(gradient, expectedGradient);
  assert.deepEqual(
    gradient,
    VALUES.map((v, i) => (v > 0 && v < 6 ? i + 1 : 0)),
  );
});

test('relu6 trains in bfloat16: libtorch’s own has no bfloat16 backward, the activation does', () => {
  assert.throws(() => valueAndGradient(F.relu6, 'bfloat16'), /not implemented for 'BFloat16'/);
  const [values, gradient] = valueAndGradient((x) => activate(x, 'relu6'), 'bfloat16');
  const [expectedValues, expectedGradient] = valueAndGradient(F.relu6, 'float32');
  // The inputs are rounded to bfloat16 first (8 significant bits), so the values within that.
  values.forEach((v, i) => assert.ok(Math.abs(v - expectedValues[i]!) <= Math.abs(expectedValues[i]!) / 128));
  assert.deepEqual(
    gradient,
    expectedGradient.map((g, i) => (VALUES[i] === 5.999999 || VALUES[i] === 6.000001 ? 0 : g)),
  );
});
