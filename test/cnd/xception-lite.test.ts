// xception-lite is Keras Xception transformed, and the result is the model DESIGN.md describes from the
// paper's code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pipe } from '../../src/cnd/edit.js';
import { paperCodeQuirks } from '../../src/cnd/paper-code-quirks.js';
import { xceptionLiteRecipe } from '../../src/cnd/recipes.js';
import { replace3x3With1x1 } from '../../src/cnd/strategy1.js';
import { fireModule, setBlockWidth } from '../../src/cnd/strategy2.js';
import { summarize } from '../../src/analysis/summary.js';
import type { ModelDescription } from '../../src/models/description.js';
import { describeModel } from '../../src/zoo/registry.js';
import { layersOf } from '../../src/models/walk.js';

const options = { numClasses: 101, inputSize: 224 };
const MIDDLE = ['block5', 'block6', 'block7', 'block8', 'block9', 'block10', 'block11', 'block12'];

describe('xception-lite = transforms(xception)', () => {
  it('deep-equals the strategies and quirks applied by hand to xception', () => {
    const byHand = pipe(
      describeModel('xception', options),
      (d) =>
        replace3x3With1x1(d, ['block2_sepconv1', 'block3_sepconv1', 'block4_sepconv1', 'block13_sepconv1']),
      (d) => setBlockWidth(d, 'block4', 512),
      (d) =>
        fireModule(d, MIDDLE, { squeeze: 256, expand1x1: 512, expand3x3: 512, arrangement: 'sequential' }),
      paperCodeQuirks,
    );
    assert.deepEqual(describeModel('xception-lite', options), { ...byHand, name: 'xception-lite' });
  });

  it('records the transforms it came from', () => {
    const lite = describeModel('xception-lite', options);
    assert.equal(lite.family, 'xception');
    assert.ok(lite.transforms.some((t) => t.startsWith('strategy1.')));
    assert.ok(lite.transforms.some((t) => t.startsWith('strategy2.fireModule')));
    assert.ok(lite.transforms.some((t) => t.startsWith('paperCodeQuirks.')));
  });

  it("is exactly DESIGN.md's description of the paper's code", () => {
    type Conv = [kind: string, filters: number, kernel: number, stride: number];
    const expected: Conv[] = [
      ['Conv2D', 32, 3, 2],
      ['Conv2D', 64, 3, 1],
      ...[128, 256, 512].flatMap((w): Conv[] => [
        ['SeparableConv2D', w, 1, 1],
        ['SeparableConv2D', w, 3, 1],
        ['Conv2D', w, 1, 2],
      ]),
      ...MIDDLE.flatMap((): Conv[] => [
        ['SeparableConv2D', 256, 1, 1],
        ['SeparableConv2D', 512, 1, 1],
        ['SeparableConv2D', 512, 3, 1],
      ]),
      ['SeparableConv2D', 728, 1, 1],
      ['SeparableConv2D', 1024, 3, 1],
      ['Conv2D', 1024, 3, 2],
      ['SeparableConv2D', 1536, 3, 1],
      ['SeparableConv2D', 2048, 3, 1],
    ];
    const lite = describeModel('xception-lite', options);
    const layers = layersOf(lite.layers).map((l) => l.layer);
    const convs = layers.flatMap((l): Conv[] =>
      l.kind === 'Conv2D' || l.kind === 'SeparableConv2D'
        ? [[l.kind, l.filters, l.kernelSize[0], l.strides[0]]]
        : [],
    );
    assert.deepEqual(convs, expected);
    for (const l of layers) {
      if (l.kind === 'Conv2D' || l.kind === 'SeparableConv2D') {
        assert.equal(l.padding, 'same', l.name);
        assert.equal(l.useBias, true, l.name);
      }
      if (l.kind === 'MaxPooling2D') assert.equal(l.padding, 'same');
    }
    // Every conv but the three residual projections is followed by BatchNormalization; one ReLU per
    // separable conv in entry and middle, two in the stem, four in the exit flow.
    assert.equal(layers.filter((l) => l.kind === 'BatchNormalization').length, expected.length - 4);
    assert.equal(
      layers.filter((l) => l.kind === 'Activation' && l.activation === 'relu').length,
      2 + 6 + 24 + 4,
    );
    assert.equal(summarize(lite, { batchSize: 1 }).params.total, 15_834_933);
  });

  it('without the quirks, the strategies alone keep Keras conventions (no biases, BN on projections)', () => {
    const strategiesOnly = xceptionLiteRecipe(describeModel('xception', options), { quirks: false });
    const layers = layersOf(strategiesOnly.layers).map((l) => l.layer);
    assert.ok(layers.every((l) => !('useBias' in l) || l.kind === 'Dense' || l.useBias === false));
    assert.ok(layers.some((l) => l.name === 'block13_residual_bn'));
    const total = (d: ModelDescription): number => summarize(d, { batchSize: 1 }).params.total;
    assert.ok(
      total(strategiesOnly) < total(describeModel('xception-lite', options)),
      'the 3x3 exit projection adds params',
    );
  });

  it("SqueezeNet's parallel expands are an option (with widths summing to the identity shortcut)", () => {
    const parallel = xceptionLiteRecipe(describeModel('xception', options), {
      fire: { squeeze: 128, expand1x1: 256, expand3x3: 256, arrangement: 'parallel' },
    });
    const summary = summarize(parallel, { batchSize: 1 });
    assert.ok(summary.layers.some((l) => l.name === 'block5_expand_concat' && l.outputShape[2] === 512));
    assert.throws(
      () =>
        xceptionLiteRecipe(describeModel('xception', options), {
          fire: { squeeze: 256, expand1x1: 512, expand3x3: 512, arrangement: 'parallel' },
        }),
      /identity shortcut carries 512 channels but the parallel fire module would output 1024/,
    );
  });
});
