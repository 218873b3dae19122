// The search spaces: the paper's model and each unmodified family are points of their space, and
// decoding them gives exactly the zoo's descriptions (so their parameter counts stay the paper's).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarize } from '../../src/analysis/index.js';
import { keepBlocks, scaleWidths, TransformError } from '../../src/cnd/index.js';
import { Rng } from '../../src/data/prng.js';
import { sampleGenome } from '../../src/search/evolve.js';
import { decode, descriptionHash, spaceFor } from '../../src/search/space.js';
import { layersOf } from '../../src/models/walk.js';
import { describeModel } from '../../src/zoo/registry.js';

const OPTIONS = { numClasses: 101 };

describe('search spaces', () => {
  for (const [family, seed] of [
    ['xception', 'xception'],
    ['xception', 'xception-lite'],
    ['mobilenet-v2', 'mobilenet-v2'],
  ] as const)
    it(`decoding the ${seed} seed gives the zoo's ${seed}`, () => {
      for (const size of [64, 224]) {
        const space = spaceFor(family, [size]);
        const decoded = decode(space, space.seeds[seed]!, OPTIONS);
        const zoo = describeModel(seed, { ...OPTIONS, inputSize: size });
        assert.deepEqual({ ...decoded, name: zoo.name }, zoo);
      }
    });

  it("keeps Xception-Lite's exact Keras parameter count (the paper's 15,834,933 at 224x224, 101 classes)", () => {
    const space = spaceFor('xception', [224]);
    const d = decode(space, space.seeds['xception-lite']!, OPTIONS);
    assert.equal(summarize(d, { batchSize: 1 }).params.total, 15_834_933);
  });

  it("reaches the zoo's MobileNetV2 variants through its genes", () => {
    const space = spaceFor('mobilenet-v2', [96]);
    const base = space.seeds['mobilenet-v2']!;
    const late = decode(space, { ...base, downsampling: 'late' }, OPTIONS);
    assert.deepEqual(
      { ...late, name: 'mobilenet-v2-late' },
      describeModel('mobilenet-v2-late', { ...OPTIONS, inputSize: 96 }),
    );
    // Fire modules: the same layers as the zoo's recipe (one transform per run of equal widths
    // instead of one per block, so only the transform history differs).
    const fire = decode(space, { ...base, fire: true }, OPTIONS);
    assert.deepEqual(fire.layers, describeModel('mobilenet-v2-fire', { ...OPTIONS, inputSize: 96 }).layers);
  });

  it('decodes random genomes of both spaces into consistent, distinct networks', () => {
    for (const family of ['xception', 'mobilenet-v2']) {
      const space = spaceFor(family, [48, 64]);
      const rng = new Rng(3);
      const hashes = new Set<string>();
      for (let i = 0; i < 30; i += 1)
        hashes.add(
          descriptionHash(
            decode(
              space,
              sampleGenome(space, () => rng.next()),
              OPTIONS,
            ),
          ),
        );
      assert.ok(hashes.size >= 28, `${family}: ${hashes.size} distinct networks of 30 genomes`);
    }
  });

  it('refuses an unknown family and a genome value outside its gene', () => {
    assert.throws(
      () => spaceFor('resnet', [64]),
      /unknown --family 'resnet'; families: xception, mobilenet-v2/,
    );
    const space = spaceFor('xception', [64]);
    assert.throws(
      () => decode(space, { ...space.seeds.xception!, middleBlocks: 3 }, OPTIONS),
      /middleBlocks/,
    );
  });
});

describe('depth and width transforms', () => {
  const xception = describeModel('xception', { numClasses: 2, inputSize: 64 });

  it('keepBlocks drops identity blocks only and lowers the parameter count', () => {
    const shallow = keepBlocks(xception, 'middle_flow', 2);
    const params = (d: typeof xception) => summarize(d, { batchSize: 1 }).params.total;
    // Each Xception middle block: 3 x (728 depthwise 3x3 + 728x728 pointwise + BN 4x728).
    assert.equal(params(xception) - params(shallow), 6 * 3 * (728 * 9 + 728 * 728 + 4 * 728));
    assert.throws(() => keepBlocks(xception, 'entry_flow', 2), TransformError);
  });

  it('scaleWidths scales every conv of whole blocks and refuses a multiplier <= 0', () => {
    const narrow = scaleWidths(xception, ['exit_flow'], 0.5);
    const filters = (d: typeof xception, name: string) => {
      const layer = layersOf(d.layers).find((l) => l.layer.name === name)?.layer;
      return layer && 'filters' in layer ? layer.filters : undefined;
    };
    // Halved, then rounded to a multiple of 8 as MobileNetV2's alpha is (364 -> 368).
    for (const [name, before, after] of [
      ['block13_sepconv1', 728, 368],
      ['block13_sepconv2', 1024, 512],
      ['block13_residual_conv', 1024, 512],
      ['block14_sepconv2', 2048, 1024],
    ] as const) {
      assert.equal(filters(xception, name), before);
      assert.equal(filters(narrow, name), after, name);
    }
    assert.equal(filters(narrow, 'block12_sepconv3'), 728, 'the middle flow keeps its width');
    assert.throws(() => scaleWidths(xception, ['exit_flow'], 0), TransformError);
  });
});
