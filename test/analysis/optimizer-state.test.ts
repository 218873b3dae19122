// The memory model's optimizer state against the engine's optimizers: after one step, the bytes of
// their state buffers equal what the model counts (SGD with momentum keeps one velocity per
// parameter, plain SGD none, Adam two moments, in float32 or bfloat16).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ADAM,
  ADAM_BF16_MOMENTS,
  sgd,
  stepTemporaryBytes,
  trainingMemory,
  type OptimizerModel,
} from '../../src/analysis/memory.js';
import {
  Adam,
  BFLOAT16_UPDATE_CHUNK,
  emptyCache,
  F,
  keep,
  manualSeed,
  memoryStats,
  randint,
  randn,
  resetPeakMemory,
  SGD,
  tidy,
  type Optimizer,
} from '../../src/engine/index.js';
import { batchNorm, conv2d, dense, globalAveragePool } from '../../src/layers/index.js';
import { buildModel, type DescribedModel } from '../../src/models/build.js';
import { DESCRIPTION_SCHEMA, type ModelDescription } from '../../src/models/description.js';

const DESCRIPTION: ModelDescription = {
  schema: DESCRIPTION_SCHEMA,
  name: 'tiny',
  family: 'xception',
  input: { height: 8, width: 8, channels: 3, pixelRange: [0, 255] },
  numClasses: 4,
  layers: [conv2d('conv', 8, 3), batchNorm('bn'), globalAveragePool('gap'), dense('fc', 4)],
  transforms: [],
};

/** Bytes of the optimizer's state buffers after one training step. */
function measuredStateBytes(makeOptimizer: (model: DescribedModel) => Optimizer): number {
  manualSeed(0);
  const model = buildModel(DESCRIPTION);
  const optimizer = makeOptimizer(model);
  tidy(() => {
    F.crossEntropy(model.forward(randn([2, 3, 8, 8])), randint(0, 4, [2])).backward();
    optimizer.update();
  });
  const bytes = Object.values(optimizer.stateDict().buffers).reduce((sum, t) => sum + t.nbytes, 0);
  optimizer.dispose();
  model.dispose();
  return bytes;
}

const predicted = (optimizer: OptimizerModel): number =>
  trainingMemory(DESCRIPTION, { batchSize: 2, optimizer }).optimizerStateBytes;

describe('optimizer state in the memory model', () => {
  it('SGD with momentum keeps one velocity buffer per trainable parameter', () => {
    const measured = measuredStateBytes((m) => new SGD(m.trainableParameters(), { momentum: 0.9 }));
    assert.ok(measured > 0);
    assert.equal(predicted(sgd({ momentum: 0.9 })), measured);
  });

  it('plain SGD keeps none', () => {
    assert.equal(
      measuredStateBytes((m) => new SGD(m.trainableParameters())),
      0,
    );
    assert.equal(predicted(sgd({ momentum: 0 })), 0);
  });

  it('Adam keeps two moments per trainable parameter', () => {
    const measured = measuredStateBytes((m) => new Adam(m.trainableParameters()));
    assert.equal(predicted(ADAM), measured);
  });

  it('Adam with bfloat16 moments keeps two half-size moments', () => {
    const measured = measuredStateBytes(
      (m) => new Adam(m.trainableParameters(), { momentDtype: 'bfloat16' }),
    );
    assert.equal(predicted(ADAM_BF16_MOMENTS), measured);
    assert.equal(2 * measured, predicted(ADAM));
  });

  it("bfloat16 moments' update needs the temporaries the model counts: a few slices, not a few parameters", () => {
    assert.equal(ADAM_BF16_MOMENTS.stepChunkElements, BFLOAT16_UPDATE_CHUNK);
    for (const shape of [
      [64, 3, 3, 3],
      [2048, 1536],
    ]) {
      emptyCache();
      const p = keep(randn(shape));
      const optimizer = new Adam([p], { momentDtype: 'bfloat16' });
      let temporaries = 0;
      for (let step = 0; step < 2; step++) {
        tidy(() => {
          p.grad = randn(shape);
        });
        const before = memoryStats().currentBytes;
        resetPeakMemory();
        optimizer.update();
        temporaries = memoryStats().peakBytes - before; // the second step's: the state exists
      }
      const predicted = stepTemporaryBytes(ADAM_BF16_MOMENTS, p.numel);
      assert.ok(
        Math.abs(temporaries / predicted - 1) < 0.05,
        `${shape}: ${temporaries} bytes, predicted ${predicted}`,
      );
      optimizer.dispose();
      p.dispose();
    }
  });

  it('refuses a negative momentum', () => {
    assert.throws(() => sgd({ momentum: -0.5 }), /momentum must be a number >= 0; got -0.5/);
  });
});
