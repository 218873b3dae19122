// Params, MACs, shapes and the memory simulation on a model small enough to count by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trainingMemory } from '../../src/analysis/memory.js';
import { inferShapes } from '../../src/analysis/shapes.js';
import { samePadding } from '../../src/engine/padding.js';
import { summarize } from '../../src/analysis/summary.js';
import { DESCRIPTION_SCHEMA, type ModelDescription, type Node } from '../../src/models/description.js';
import { residual } from '../../src/models/nodes.js';
import {
  activation,
  batchNorm,
  conv2d,
  dense,
  globalAveragePool,
  maxPool,
  separableConv2d,
  zeroPadding,
} from '../../src/layers/index.js';

function tiny(layers: Node[], size = 8): ModelDescription {
  return {
    schema: DESCRIPTION_SCHEMA,
    name: 'tiny',
    family: 'xception',
    input: { height: size, width: size, channels: 3, pixelRange: [0, 255] },
    numClasses: 10,
    layers,
    transforms: [],
  };
}

/** 8x8x3 -> conv 16 -> BN -> ReLU -> separable 32 -> GAP -> Dense 10. */
const TINY = tiny([
  conv2d('conv', 16, 3, { padding: 'same' }),
  batchNorm('bn'),
  activation('relu', 'relu'),
  separableConv2d('sep', 32, 3, { padding: 'same', useBias: false }),
  globalAveragePool('gap'),
  dense('fc', 10),
]);

/** Eager autograd: only what backward needs outlives its consumers. */
const AUTOGRAD = { preset: 'libtorch-autograd' } as const;

describe('shapes', () => {
  it("follows TensorFlow's 'same' (odd pixel after) and 'valid' rules", () => {
    assert.deepEqual(samePadding(224, 3, 2), [0, 1]);
    assert.deepEqual(samePadding(225, 3, 2), [1, 1]);
    assert.deepEqual(samePadding(7, 1, 2), [0, 0]);
    const shapes = inferShapes(
      [
        conv2d('a', 4, 3, { strides: 2, padding: 'valid' }),
        conv2d('b', 4, 3, { strides: 2, padding: 'same' }),
        zeroPadding('p', [
          [0, 1],
          [0, 1],
        ]),
        maxPool('m', 3, { strides: 2, padding: 'valid' }),
      ],
      [33, 33, 3],
    );
    assert.deepEqual(
      shapes.layers.map((l) => l.output),
      [
        [16, 16, 4],
        [8, 8, 4],
        [9, 9, 4],
        [4, 4, 4],
      ],
    );
  });

  it('explains misfits: too small an input, residual branches that disagree', () => {
    assert.throws(() => inferShapes([conv2d('big', 4, 7)], [5, 5, 3]), /big \(Conv2D, kernel 7x7.*too small/);
    const bad = residual('r', { main: [conv2d('c', 8, 1)], shortcut: [], add: 'r_add' });
    assert.throws(
      () => inferShapes([bad], [4, 4, 3]),
      /r_add \(Add\) needs equal shapes, got \(4, 4, 8\) and \(4, 4, 3\)/,
    );
  });
});

describe('params and MACs', () => {
  it('counts both conventions and MACs per image by hand', () => {
    const s = summarize(TINY, { batchSize: 1 });
    // conv 3*3*3*16 + 16; BN 4*16 (half non-trainable); separable 9*16 + 16*32; dense 32*10 + 10
    assert.deepEqual(
      { total: s.params.total, trainable: s.params.trainable, nonTrainable: s.params.nonTrainable },
      { total: 448 + 64 + 656 + 330, trainable: 448 + 32 + 656 + 330, nonTrainable: 32 },
    );
    assert.equal(s.params.pytorch, s.params.trainable);
    // conv, depthwise and pointwise on 8x8; dense
    assert.equal(s.macs, 8 * 8 * 9 * 3 * 16 + 8 * 8 * 9 * 16 + 8 * 8 * 16 * 32 + 32 * 10);
  });
});

describe('training memory simulation', () => {
  const B = 2;
  const f32 = (elements: number): number => elements * B * 4;

  it('keeps each saved tensor once, whoever keeps it', () => {
    const m = trainingMemory(TINY, { batchSize: B, ...AUTOGRAD });
    const expected =
      f32(8 * 8 * 3) + // image, kept by the conv (for its weight gradient)
      f32(8 * 8 * 16) + // conv output, kept by batch norm
      16 * 8 + // batch norm's saved mean and inverse std
      f32(8 * 8 * 16) + // ReLU output: kept by ReLU and by the depthwise conv, counted once
      f32(8 * 8 * 16) + // depthwise output, kept by the pointwise conv
      f32(32); // pooled vector, kept by the dense layer
    assert.equal(m.savedForBackwardBytes, expected);
    assert.equal(m.weightsBytes, 1498 * 4);
    assert.equal(m.gradientBytes, 1466 * 4);
    assert.equal(m.optimizerStateBytes, 2 * 1466 * 4);
    assert.ok(
      m.trainingPeakBytes >=
        m.weightsBytes + m.gradientBytes + m.optimizerStateBytes + m.savedForBackwardBytes,
    );
  });

  it('under bfloat16 autocast keeps bfloat16 activations and bfloat16 copies of the image and the conv and dense weights', () => {
    const bf16 = (elements: number): number => elements * B * 2;
    const m = trainingMemory(TINY, { batchSize: B, ...AUTOGRAD, precision: 'bf16' });
    const expected =
      bf16(8 * 8 * 3) + // the conv's bfloat16 copy of the float32 image (the image itself is the caller's)
      bf16(8 * 8 * 16) + // conv output, kept by batch norm
      16 * 8 + // batch norm's saved mean and inverse std, float32
      bf16(8 * 8 * 16) + // ReLU output (ReLU, depthwise conv)
      bf16(8 * 8 * 16) + // depthwise output (pointwise conv)
      bf16(32) + // pooled vector (dense layer)
      (448 + 144 + 512 + 330) * 2; // bfloat16 copies of the conv, depthwise, pointwise and dense weights
    assert.equal(m.savedForBackwardBytes, expected);
    assert.equal(m.bytesPerElement, 2);
    // Weights, gradients and Adam's state stay float32.
    assert.deepEqual(
      [m.weightsBytes, m.gradientBytes, m.optimizerStateBytes],
      [1498 * 4, 1466 * 4, 2 * 1466 * 4],
    );
  });

  it('applies overridden keep rules', () => {
    const saved = (options: Parameters<typeof trainingMemory>[1]): number =>
      trainingMemory(TINY, { ...AUTOGRAD, ...options }).savedForBackwardBytes;
    const base = saved({ batchSize: B });
    // The depthwise conv still keeps the ReLU output, so dropping ReLU's own claim changes nothing...
    assert.equal(saved({ batchSize: B, rules: { relu: { output: false } } }), base);
    // ...while convs that keep no input free the image and the depthwise output.
    assert.equal(
      saved({ batchSize: B, rules: { conv: { input: false }, 'conv-kxk': { input: false } } }),
      base - f32(8 * 8 * 3) - f32(8 * 8 * 16),
    );
    assert.equal(trainingMemory(TINY, { batchSize: B, rules: { relu: { output: false } } }).model, 'custom');
  });

  it('grows with the batch, and with an engine that keeps every forward output', () => {
    const small = trainingMemory(TINY, { batchSize: 2, ...AUTOGRAD });
    const large = trainingMemory(TINY, { batchSize: 8, ...AUTOGRAD });
    assert.equal(large.savedForBackwardBytes - 16 * 8, 4 * (small.savedForBackwardBytes - 16 * 8));
    assert.equal(
      trainingMemory(TINY, { batchSize: 2 }).model,
      'pareto-edge',
      'the default is how pareto-edge trains',
    );
    const keepAll = trainingMemory(TINY, { batchSize: 2, preset: 'keep-all' });
    assert.ok(keepAll.trainingPeakBytes > small.trainingPeakBytes);
  });

  it('charges max pooling its int64 indices', () => {
    const pooled = tiny([conv2d('c', 4, 1), maxPool('m', 2)]);
    const withIndices = trainingMemory(pooled, { batchSize: 1 }).savedForBackwardBytes;
    const without = trainingMemory(pooled, {
      batchSize: 1,
      rules: { maxpool: { bytesPerOutputElement: 0 } },
    }).savedForBackwardBytes;
    assert.equal(withIndices - without, 4 * 4 * 4 * 8);
  });
});
