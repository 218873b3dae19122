// Each layer type's definition agrees with the module it builds: the weights it declares (PyTorch
// names and shapes) are exactly the built model's state dict, and its declared initialisers are the
// ones the built tensors are drawn from.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferShapes } from '../../src/analysis/shapes.js';
import { manualSeed } from '../../src/engine/index.js';
import { batchNorm, channelsOf, conv2d, layerWeights } from '../../src/layers/index.js';
import { buildModel } from '../../src/models/build.js';
import { DESCRIPTION_SCHEMA, type ModelDescription, type Node } from '../../src/models/description.js';
import { layersOf } from '../../src/models/walk.js';
import { describeModel, listModels } from '../../src/zoo/registry.js';

function tiny(layers: Node[]): ModelDescription {
  return {
    schema: DESCRIPTION_SCHEMA,
    name: 'tiny',
    family: 'xception',
    input: { height: 8, width: 8, channels: 3, pixelRange: [0, 255] },
    numClasses: null,
    layers,
    transforms: [],
  };
}

describe('layer definitions and the modules they build', () => {
  for (const { name } of listModels()) {
    it(`${name}: declared weights are the built state dict (names and PyTorch shapes)`, () => {
      const description = describeModel(name, { numClasses: 3, inputSize: 32 });
      const { height, width, channels } = description.input;
      const shapes = inferShapes(description.layers, [height, width, channels]).layers;
      const inputOf = new Map(shapes.map((s) => [s.layer.name, s.inputs[0]!]));
      const declared = new Map<string, number[]>();
      for (const { layer, path } of layersOf(description.layers)) {
        const prefix = ['model', ...path, layer.name].join('.');
        for (const w of layerWeights(layer, channelsOf(inputOf.get(layer.name)!)))
          declared.set(`${prefix}.${w.pytorch.name}`, w.pytorch.shape);
      }
      manualSeed(0);
      const model = buildModel(description);
      const built = new Map(Object.entries(model.stateDict()).map(([key, t]) => [key, t.shape]));
      model.dispose();
      assert.deepEqual(built, declared);
    });
  }

  it('BatchNormalization: the initialisers a description declares are the ones the module uses', () => {
    const constant = (value: number) => ({ name: 'constant', value }) as const;
    const description = tiny([
      conv2d('conv', 4, 1),
      batchNorm('bn', {
        gammaInitializer: constant(0.5),
        betaInitializer: constant(0.25),
        movingMeanInitializer: constant(2),
        movingVarianceInitializer: constant(3),
      }),
    ]);
    const model = buildModel(description);
    const state = model.stateDict();
    const values = (key: string): number[] => state[`model.${key}`]!.toArray();
    assert.deepEqual(values('bn.weight'), [0.5, 0.5, 0.5, 0.5]);
    assert.deepEqual(values('bn.bias'), [0.25, 0.25, 0.25, 0.25]);
    assert.deepEqual(values('bn.running_mean'), [2, 2, 2, 2]);
    assert.deepEqual(values('bn.running_var'), [3, 3, 3, 3]);
    model.dispose();
  });
});
