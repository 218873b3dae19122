// Training in bfloat16 (--precision bf16): every zoo model computes what it computes in float32 within
// bfloat16's precision and takes a step, and the state that must stay float32 (weights, gradients,
// Adam's moments, BatchNorm's running statistics) does. Plus which CPUs may ask for it.
// The whole network's loss is not compared with float32's at this size: over two images BatchNorm
// magnifies any rounding through the depth (rounding only the input to bfloat16 moves
// efficientnet-v2-b0's float32 loss from 1.17 to 0.79), so each block is compared on the same input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Adam,
  autocast,
  manualSeed,
  noGrad,
  randn,
  tensor,
  tidy,
  type Tensor,
} from '../../src/engine/index.js';
import { readCpuFlags } from '../../src/engine/cpu-features.js';
import { buildModel, type DescribedModel } from '../../src/models/index.js';
import { describeModel, modelNames } from '../../src/zoo/registry.js';
import { parseMemoryPlan } from '../../src/analysis/memory-plan.js';
import { trainStep } from '../../src/train/step.js';
import { planStep, trainingSegments } from '../../src/train/blockwise-step.js';
import { precisionCandidates } from '../../src/train/precision.js';
import { TrainInputError } from '../../src/train/errors.js';

const CLASSES = 3;
/**
 * bfloat16 keeps 8 significant bits. Block by block (same float32 input) the zoo's outputs measured
 * within 0.5–4.2% RMS of float32's at 32 px, batch 2; the larger errors are blocks at 1×1 pixels, where
 * training-mode BatchNorm normalises over two values and so magnifies any rounding.
 */
const BLOCK_TOLERANCE = 5e-2;

function smallModel(name: string): DescribedModel {
  manualSeed(0);
  return buildModel(describeModel(name, { numClasses: CLASSES, inputSize: 32, includePreprocessing: false }));
}

function snapshot(entries: [string, Tensor][]): Map<string, Float32Array> {
  return new Map(entries.map(([name, t]) => [name, t.toFloat32Array()]));
}

function changed(before: Float32Array, after: Float32Array): boolean {
  return after.some((v, i) => v !== before[i]);
}

/**
 * After bf16 steps: weights, gradients, Adam's moments and the buffers are float32; every weight with a
 * gradient moved (a BatchNorm bias whose path to the next BatchNorm is linear has none: that BatchNorm
 * subtracts the shift again), every convolution and dense kernel did, and so did BatchNorm's running
 * variances (not always the means: after such a BatchNorm and a linear layer, a batch mean can be 0).
 */
function assertFloat32StateMoved(
  model: DescribedModel,
  optimizer: Adam,
  weights: Map<string, Float32Array>,
  buffers: Map<string, Float32Array>,
): void {
  for (const [name, p] of model.trainableParameters()) {
    assert.equal(p.dtype, 'float32', `weight ${name}`);
    const gradient = p.grad;
    assert.equal(gradient?.dtype, 'float32', `gradient of ${name}`);
    const moved = changed(weights.get(name)!, p.toFloat32Array());
    if (p.shape.length > 1 || gradient!.toFloat32Array().some((g) => g !== 0)) {
      assert.ok(moved, `weight ${name} did not change`);
    }
    gradient!.dispose();
  }
  for (const [key, state] of Object.entries(optimizer.stateDict().buffers)) {
    assert.equal(state.dtype, 'float32', `Adam state ${key}`);
  }
  for (const [name, b] of model.namedBuffers()) {
    assert.equal(b.dtype, 'float32', `buffer ${name}`);
    if (name.endsWith('running_var')) assert.ok(changed(buffers.get(name)!, b.toFloat32Array()), name);
  }
}

/** The largest relative RMS difference between a block's bf16 and float32 outputs on the same input. */
function worstBlockError(model: DescribedModel, x: Tensor): { error: number; block: string } {
  let worst = { error: 0, block: '' };
  noGrad(() => {
    let input = x;
    for (const segment of trainingSegments(model)) {
      input = tidy(() => {
        manualSeed(5); // the same dropout draws in both
        const low = autocast(() => segment.module.forward(input));
        manualSeed(5);
        const exact = segment.module.forward(input);
        const error = Math.sqrt(
          low.to('float32').sub(exact).square().mean().item() / exact.square().mean().item(),
        );
        if (error > worst.error) worst = { error, block: segment.name };
        return exact;
      });
    }
  });
  return worst;
}

describe('a bf16 training step (32 px, batch 2, Adam)', () => {
  for (const name of modelNames()) {
    it(`${name}: each block within bf16's precision of float32, a finite loss, float32 state that moved`, () => {
      const model = smallModel(name);
      const optimizer = new Adam(model.trainableParameters());
      try {
        tidy(() => {
          const x = randn([2, 3, 32, 32]);
          const y = tensor([0, 2], [2], { dtype: 'int64' });
          const { error, block } = worstBlockError(model, x);
          assert.ok(error <= BLOCK_TOLERANCE, `${block}: bf16 output ${error} RMS away from float32's`);
          const weights = snapshot(model.trainableParameters());
          const buffers = snapshot(model.namedBuffers());
          const { loss } = trainStep(model, optimizer, x, y, 'bf16');
          assert.ok(Number.isFinite(loss), `loss ${loss}`);
          assertFloat32StateMoved(model, optimizer, weights, buffers);
        });
      } finally {
        optimizer.dispose();
        model.dispose();
      }
    });
  }
});

it('a bf16 step under a memory plan (checkpointed blocks: each block runs forward twice) matches the ordinary bf16 step', () => {
  const plan = parseMemoryPlan('checkpoint=blocks');
  const losses = [false, true].map((blockwise) => {
    const model = smallModel('mobilenet-v2');
    const optimizer = new Adam(model.trainableParameters());
    try {
      return tidy(() => {
        manualSeed(2);
        const x = randn([2, 3, 32, 32]);
        const y = tensor([1, 2], [2], { dtype: 'int64' });
        const weights = snapshot(model.trainableParameters());
        const buffers = snapshot(model.namedBuffers());
        const { loss } = blockwise
          ? planStep(model, optimizer, x, y, plan, 'bf16')
          : trainStep(model, optimizer, x, y, 'bf16');
        assertFloat32StateMoved(model, optimizer, weights, buffers);
        return loss;
      });
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  });
  assert.ok(Number.isFinite(losses[1]!));
  assert.equal(losses[1], losses[0]);
});

describe('which precision a setting means on a CPU', () => {
  const x86 = () => readCpuFlags(() => 'processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16\n');
  const arm = () => readCpuFlags(() => 'processor\t: 0\nFeatures\t: fp asimd sve bf16 i8mm\n');
  const without = () => readCpuFlags(() => 'processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f\n');

  it('on a CPU with bfloat16 instructions (x86 or Arm) bf16 means bf16 and auto chooses between both', () => {
    for (const flags of [x86, arm]) {
      assert.deepEqual(precisionCandidates('bf16', flags), ['bf16']);
      assert.deepEqual(precisionCandidates('auto', flags), ['fp32', 'bf16']);
    }
  });

  it('without them auto means fp32 and bf16 is refused, naming the fix', () => {
    assert.deepEqual(precisionCandidates('auto', without), ['fp32']);
    assert.deepEqual(precisionCandidates('fp32', without), ['fp32']);
    assert.throws(
      () => precisionCandidates('bf16', without),
      (error: Error) =>
        error instanceof TrainInputError &&
        /needs a CPU with bfloat16 instructions/.test(error.message) &&
        /use --precision fp32/.test(error.message),
    );
  });

  it('an unreadable /proc/cpuinfo reports no flags, so bf16 is refused rather than guessed', () => {
    const unreadable = () =>
      readCpuFlags(() => {
        throw new Error('ENOENT');
      });
    assert.equal(unreadable().size, 0);
    assert.throws(() => precisionCandidates('bf16', unreadable), TrainInputError);
  });
});
