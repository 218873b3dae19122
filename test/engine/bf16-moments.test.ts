// bfloat16 Adam moments: stochastic rounding is unbiased and lands on a neighbour; with it, Adam's
// trajectory stays close to float32's, while round-to-nearest storage freezes the second moment
// (the failure it avoids); the default float32 update is the original one, bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Adam,
  AdamW,
  BFLOAT16_UPDATE_CHUNK,
  Generator,
  dispose,
  keep,
  manualSeed,
  randn,
  stochasticRoundToBfloat16,
  tensor,
  tidy,
  type Tensor,
} from '../../src/engine/index.js';

/** The two bfloat16 values around each x (equal when bfloat16 holds x), as float32 numbers. */
function neighbours(x: number): [number, number] {
  if (x === 0) return [0, 0];
  const spacing = 2 ** Math.max(Math.floor(Math.log2(Math.abs(x))) - 7, -133);
  return [Math.floor(x / spacing) * spacing, Math.ceil(x / spacing) * spacing];
}

test('stochastic rounding to bfloat16 picks a neighbour, and on average the value itself', () => {
  const ulp = 2 ** -7;
  const values = [
    1 + 0.3 * ulp,
    -(1 + 0.7 * ulp),
    2 - 0.01 * ulp, // just below a binade boundary: the upper neighbour is 2
    (1 + 0.999 * ulp) * 2 ** 100,
    3e-3 * (1 + 0.5 * ulp),
    1.5e-39, // bfloat16 subnormal range: spacing 2^-133
    1 + ulp, // exact: stays
    0,
  ].map((v) => Math.fround(v));
  const draws = 100_000;
  const rows = tensor(values).unsqueeze(1).expand([values.length, draws]).contiguous();
  const rounded = stochasticRoundToBfloat16(rows, new Generator(7));
  assert.equal(rounded.dtype, 'bfloat16');
  const asFloat = rounded.toFloat32Array();
  values.forEach((x, row) => {
    const [low, high] = neighbours(x);
    const samples = asFloat.subarray(row * draws, (row + 1) * draws);
    let sum = 0;
    for (const s of samples) {
      assert.ok(s === low || s === high, `${x} rounded to ${s}, not ${low} or ${high}`);
      sum += s;
    }
    // The mean of 10^5 draws has a standard deviation of at most 0.0016 spacings: 0.01 is 6σ.
    const spacing = high - low;
    assert.ok(
      Math.abs(sum / draws - x) <= 0.01 * spacing,
      `${x}: mean ${sum / draws}, off by ${Math.abs(sum / draws - x) / spacing} spacings`,
    );
  });
  dispose([rows, rounded]);
});

test('stochastic rounding is reproducible from its generator, and keeps infinities and NaN', () => {
  const x = keep(randn([1000]));
  const a = stochasticRoundToBfloat16(x, new Generator(1)).toFloat32Array();
  const b = stochasticRoundToBfloat16(x, new Generator(1)).toFloat32Array();
  const c = stochasticRoundToBfloat16(x, new Generator(2)).toFloat32Array();
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const special = stochasticRoundToBfloat16(tensor([Infinity, -Infinity, NaN]), new Generator(1));
  assert.deepEqual(Array.from(special.toFloat32Array()), [Infinity, -Infinity, NaN]);
  dispose([x, special]);
});

/** Adam storing its bfloat16 moments rounded to nearest: the naive form. */
class NearestRoundingAdam extends Adam {
  protected override roundToBfloat16(value: Tensor): Tensor {
    return value.to('bfloat16');
  }
}

interface Trajectory {
  /** The parameters after every step. */
  steps: Float32Array[];
  /** The second moment at the end, as float32. */
  v: Float32Array;
}

/**
 * 300 Adam steps on loss = Σ c_t·w, whose gradient c_t falls 100-fold after 100 steps (a loss that
 * flattens): the second moment must then decay, by 0.1% a step.
 */
function run(makeOptimizer: (w: Tensor) => Adam): Trajectory {
  manualSeed(3);
  const c = keep(randn([256]));
  const w = keep(randn([256]).requiresGrad_());
  const optimizer = makeOptimizer(w);
  const steps: Float32Array[] = [];
  for (let step = 1; step <= 300; step++) {
    tidy(() => {
      optimizer.zeroGrad();
      w.mul(c)
        .sum()
        .mul(step <= 100 ? 1 : 0.01)
        .backward();
      optimizer.update();
    });
    steps.push(w.toFloat32Array());
  }
  const v = optimizer.stateDict().buffers['v/0']!.toFloat32Array();
  optimizer.dispose();
  dispose([c, w]);
  return { steps, v };
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/** The mean over parameters of a/reference for a per-parameter quantity. */
const meanRatio = (a: (i: number) => number, reference: (i: number) => number): number =>
  mean(Array.from({ length: 256 }, (_, i) => a(i) / reference(i)));

/** The last step's move of parameter i. */
const lastMove = (t: Trajectory) => (i: number) => t.steps[299]![i]! - t.steps[298]![i]!;

const maxParameterDifference = (a: Trajectory, reference: Trajectory): number =>
  Math.max(...a.steps[299]!.map((p, i) => Math.abs(p - reference.steps[299]![i]!)));

test('bfloat16 moments with stochastic rounding follow float32 Adam; rounded to nearest, v stops decaying', () => {
  const options = { learningRate: 0.01 };
  const float32 = run((w) => new Adam([w], options));
  const stochastic = run((w) => new Adam([w], { ...options, momentDtype: 'bfloat16' }));
  const nearest = run((w) => new NearestRoundingAdam([w], { ...options, momentDtype: 'bfloat16' }));
  const v = (t: Trajectory) => (i: number) => t.v[i]!;

  // Stochastic rounding: v unbiased (each v wanders by a few % around float32's; on average within
  // 1%), steps as long as float32's, parameters (moved ~1 in all) within 2 learning rates of float32's.
  const stochasticV = meanRatio(v(stochastic), v(float32));
  assert.ok(Math.abs(stochasticV - 1) < 0.01, `v ${stochasticV} × float32's`);
  const stochasticMove = meanRatio(lastMove(stochastic), lastMove(float32));
  assert.ok(Math.abs(stochasticMove - 1) < 0.01, `last step ${stochasticMove} × float32's`);
  const stochasticDifference = maxParameterDifference(stochastic, float32);
  assert.ok(stochasticDifference < 2 * options.learningRate, `parameters off by ${stochasticDifference}`);

  // Rounded to nearest: float32's v decayed by 0.999^200 ≈ 0.82 once the gradient fell, this one did
  // not move (0.1% of it is below half a bfloat16 unit), so its steps fall short, more every step.
  const nearestV = meanRatio(v(nearest), v(float32));
  assert.ok(nearestV > 1.15, `v ${nearestV} × float32's`);
  const nearestMove = meanRatio(lastMove(nearest), lastMove(float32));
  assert.ok(nearestMove < 0.95, `last step ${nearestMove} × float32's`);
  assert.ok(maxParameterDifference(nearest, float32) > 2 * stochasticDifference);
});

test('the default float32 moments are the original in-place update, bit for bit', () => {
  manualSeed(4);
  const start = keep(randn([64]));
  const gradient = keep(randn([64]));
  const p = keep(start.clone());
  const optimizer = new AdamW([p], { learningRate: 0.01 });
  const m = keep(tensor(new Float32Array(64)));
  const v = keep(tensor(new Float32Array(64)));
  const expected = keep(start.clone());
  for (let step = 1; step <= 5; step++) {
    tidy(() => {
      p.grad = gradient.clone();
      optimizer.update();

      expected.mul_(1 - 0.01 * 0.01);
      m.lerp_(gradient, 1 - 0.9);
      v.mul_(0.999).addcmul_(gradient, gradient, 1 - 0.999);
      expected.addcdiv_(m, v.sqrt().add_(1e-7), (-0.01 * Math.sqrt(1 - 0.999 ** step)) / (1 - 0.9 ** step));
    });
  }
  const state = optimizer.stateDict().buffers;
  assert.equal(state['m/0']!.dtype, 'float32');
  assert.deepEqual(p.toFloat32Array(), expected.toFloat32Array());
  assert.deepEqual(state['v/0']!.toFloat32Array(), v.toFloat32Array());
  optimizer.dispose();
  dispose([start, gradient, p, m, v, expected]);
});

test('bfloat16 moments update the same in any parameter order (the optimizer in backward)', () => {
  manualSeed(6);
  const gradients = [keep(randn([300])), keep(randn([40]))];
  const trained = (order: number[]): number[][] => {
    manualSeed(8);
    const parameters = gradients.map((g) => keep(randn(g.shape)));
    const optimizer = new Adam(parameters, { momentDtype: 'bfloat16', roundingSeed: 5 });
    for (let step = 0; step < 3; step++) {
      tidy(() => parameters.forEach((p, i) => (p.grad = gradients[i]!.mul(step + 1))));
      optimizer.beginStep();
      optimizer.applyUpdates(order.map((i) => parameters[i]!));
    }
    const values = parameters.map((p) => p.toArray());
    optimizer.dispose();
    dispose(parameters);
    return values;
  };
  assert.deepEqual(trained([1, 0]), trained([0, 1]));
  dispose(gradients);
});

test('a parameter larger than a slice is updated slice by slice, every element as float32 Adam would', () => {
  manualSeed(9);
  const shape = [1200, 300]; // 360,000 elements: two slices of whole rows
  assert.ok(shape[0]! * shape[1]! > BFLOAT16_UPDATE_CHUNK);
  const start = keep(randn(shape));
  const gradient = keep(randn(shape));
  const firstStep = (momentDtype: 'float32' | 'bfloat16'): Float32Array => {
    const p = keep(start.clone());
    const optimizer = new Adam([p], { momentDtype });
    tidy(() => {
      p.grad = gradient.clone();
      optimizer.update();
    });
    const [m, v] = ['m/0', 'v/0'].map((key) => optimizer.stateDict().buffers[key]!.toFloat32Array());
    // The moments hold 0.1·g and 0.001·g², each rounded to a bfloat16 neighbour.
    const g = gradient.toFloat32Array();
    g.forEach((gi, i) => {
      assert.ok(Math.abs(m![i]! - 0.1 * gi) <= 2 ** -7 * Math.abs(0.1 * gi) + 1e-30, `m[${i}]`);
      assert.ok(Math.abs(v![i]! - 0.001 * gi * gi) <= 2 ** -7 * 0.001 * gi * gi + 1e-30, `v[${i}]`);
    });
    const values = p.toFloat32Array();
    optimizer.dispose();
    p.dispose();
    return values;
  };
  // The first step uses the float32 moments before they are rounded: exactly float32 Adam's step.
  assert.deepEqual(firstStep('bfloat16'), firstStep('float32'));
  dispose([start, gradient]);
});

test('bfloat16 moments are refused for parameters that are not float32', () => {
  const w = tensor([1], [1], { dtype: 'float64' });
  assert.throws(
    () => new Adam([['w', w]], { momentDtype: 'bfloat16' }),
    /bfloat16 moments are updated in float32, but parameter "w" is float64/,
  );
  w.dispose();
});
