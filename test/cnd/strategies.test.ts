// Each strategy alone changes what it should and nothing else; broken rules are clear errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferShapes } from '../../src/analysis/shapes.js';
import { summarize } from '../../src/analysis/summary.js';
import { TransformError } from '../../src/cnd/edit.js';
import {
  biasOnEveryConv,
  exitResidual3x3,
  residualProjectionsWithoutBatchNorm,
  stemSamePadding,
} from '../../src/cnd/paper-code-quirks.js';
import { blocksIn, firstConvOfBlocks, kernelIs, inside, both } from '../../src/cnd/select.js';
import { replace3x3With1x1 } from '../../src/cnd/strategy1.js';
import { checkFireRule, fireModule, FireRuleError, setBlockWidth } from '../../src/cnd/strategy2.js';
import { delayDownsampling } from '../../src/cnd/strategy3.js';
import type { ModelDescription } from '../../src/models/description.js';
import { describeModel } from '../../src/zoo/registry.js';
import { layersOf } from '../../src/models/walk.js';
import { elementsOf, layerWeights } from '../../src/layers/index.js';

const xception = (): ModelDescription => describeModel('xception', { numClasses: 101, inputSize: 96 });
const mobilenet = (): ModelDescription => describeModel('mobilenet-v2', { numClasses: 101, inputSize: 96 });

/** name -> { weight name -> count } using inferred input channels. */
function weightsByLayer(d: ModelDescription): Map<string, Record<string, number>> {
  const { layers } = inferShapes(d.layers, [d.input.height, d.input.width, 3]);
  const out = new Map<string, Record<string, number>>();
  for (const l of layers) {
    if (l.layer.kind === 'Add' || l.layer.kind === 'Multiply' || l.layer.kind === 'Concatenate') continue;
    const inChannels = l.inputs[0]!.at(-1)!;
    out.set(
      l.layer.name,
      Object.fromEntries(layerWeights(l.layer, inChannels).map((w) => [w.name, elementsOf(w.shape)])),
    );
  }
  return out;
}

function outputShapes(d: ModelDescription): Map<string, string> {
  const { layers } = inferShapes(d.layers, [d.input.height, d.input.width, 3]);
  return new Map(layers.map((l) => [l.layer.name, l.output.join('x')]));
}

describe('strategy 1: 3x3 -> 1x1', () => {
  it("divides the chosen layers' depthwise weights by nine and leaves everything else as it was", () => {
    const before = xception();
    const chosen = firstConvOfBlocks(before, blocksIn(before, ['entry_flow', 'exit_flow']));
    assert.deepEqual(chosen, ['block2_sepconv1', 'block3_sepconv1', 'block4_sepconv1', 'block13_sepconv1']);
    const after = replace3x3With1x1(before, chosen);
    const w0 = weightsByLayer(before);
    const w1 = weightsByLayer(after);
    for (const [name, weights] of w0) {
      if (chosen.includes(name)) {
        assert.equal(weights.depthwise_kernel, 9 * w1.get(name)!.depthwise_kernel!, name);
        assert.equal(weights.pointwise_kernel, w1.get(name)!.pointwise_kernel, name);
      } else {
        assert.deepEqual(w1.get(name), weights, name);
      }
    }
    assert.deepEqual(outputShapes(after), outputShapes(before));
  });

  it('selects by predicate among 3x3 convs', () => {
    const d = xception();
    const after = replace3x3With1x1(d, both(kernelIs(3), inside('middle_flow')));
    const changed = layersOf(after.layers).filter(
      ({ layer, path }) => path.includes('middle_flow') && layer.kind === 'SeparableConv2D',
    );
    assert.equal(changed.length, 24);
    assert.ok(changed.every(({ layer }) => layer.kind === 'SeparableConv2D' && layer.kernelSize[0] === 1));
  });

  it('folds MobileNetV2 correct_pad into same padding so output sizes stay', () => {
    const before = mobilenet();
    const after = replace3x3With1x1(before, ['block_1_depthwise']);
    assert.ok(!layersOf(after.layers).some(({ layer }) => layer.name === 'block_1_pad'));
    const dw = layersOf(after.layers).find(({ layer }) => layer.name === 'block_1_depthwise')!.layer;
    assert.ok(dw.kind === 'DepthwiseConv2D' && dw.padding === 'same' && dw.kernelSize[0] === 1);
    assert.equal(outputShapes(after).get('block_1_depthwise'), outputShapes(before).get('block_1_depthwise'));
  });

  it('refuses layers that are not 3x3 convs, and names that do not exist', () => {
    assert.throws(
      () => replace3x3With1x1(xception(), ['block2_residual_conv']),
      /replaces 3x3 filters, but block2_residual_conv is a Conv2D with a 1x1 kernel/,
    );
    assert.throws(
      () => replace3x3With1x1(xception(), ['block2_bn_typo']),
      /has no node named 'block2_bn_typo'/,
    );
  });
});

describe('strategy 2: fire modules and narrower widths', () => {
  it('enforces s1x1 < e1x1 + e3x3, naming the values', () => {
    assert.throws(
      () => checkFireRule({ squeeze: 1024, expand1x1: 512, expand3x3: 512 }),
      (e: Error) =>
        e instanceof FireRuleError &&
        /s1x1 < e1x1 \+ e3x3 broken: squeeze 1024 .* expand1x1 512 \+ expand3x3 512 = 1024/.test(e.message),
    );
    assert.throws(
      () => fireModule(xception(), ['block5'], { squeeze: 800, expand1x1: 300, expand3x3: 428 }),
      FireRuleError,
    );
    assert.throws(
      () => checkFireRule({ squeeze: 0, expand1x1: 8, expand3x3: 8 }),
      /squeeze must be a whole number/,
    );
    assert.doesNotThrow(() => checkFireRule({ squeeze: 1023, expand1x1: 512, expand3x3: 512 }));
  });

  it('setBlockWidth narrows the entry flow end and the identity-residual stream after it', () => {
    const after = setBlockWidth(xception(), 'block4', 512);
    const shapes = outputShapes(after);
    assert.equal(shapes.get('block4_add'), '6x6x512');
    for (let b = 5; b <= 12; b++) assert.equal(shapes.get(`block${b}_add`), '6x6x512');
    assert.equal(shapes.get('block13_sepconv1'), '6x6x728', 'the exit flow keeps its own widths');
  });

  it('turns a residual main path into squeeze -> expand 1x1 -> expand 3x3 in the block style', () => {
    const d = fireModule(setBlockWidth(xception(), 'block4', 512), ['block5'], {
      squeeze: 256,
      expand1x1: 512,
      expand3x3: 512,
    });
    const block5 = layersOf(d.layers)
      .filter(({ path }) => path.includes('block5'))
      .map(({ layer }) => layer);
    assert.deepEqual(
      block5.map((l) => [l.kind, l.name]),
      [
        ['Activation', 'block5_squeeze_act'],
        ['SeparableConv2D', 'block5_squeeze'],
        ['BatchNormalization', 'block5_squeeze_bn'],
        ['Activation', 'block5_expand1x1_act'],
        ['SeparableConv2D', 'block5_expand1x1'],
        ['BatchNormalization', 'block5_expand1x1_bn'],
        ['Activation', 'block5_expand3x3_act'],
        ['SeparableConv2D', 'block5_expand3x3'],
        ['BatchNormalization', 'block5_expand3x3_bn'],
      ],
    );
  });

  it('checks the identity shortcut width in the sequential arrangement too', () => {
    assert.throws(
      () => fireModule(xception(), ['block5'], { squeeze: 256, expand1x1: 512, expand3x3: 512 }),
      /carries 728 channels/,
    );
  });
});

describe('strategy 3: downsample late', () => {
  it('keeps params and final shapes, enlarges activations between the two points', () => {
    const before = mobilenet();
    const after = delayDownsampling(before, { from: 'block_1', after: 'block_2' });
    const s0 = summarize(before, { batchSize: 8 });
    const s1 = summarize(after, { batchSize: 8 });
    assert.equal(s1.params.total, s0.params.total);
    assert.deepEqual(s1.output, s0.output);
    assert.ok(s1.macs > s0.macs);
    assert.ok(s1.memory.savedForBackwardBytes > s0.memory.savedForBackwardBytes);
    const shapes = outputShapes(after);
    assert.equal(shapes.get('block_2_add'), '48x48x24');
    assert.equal(shapes.get('block_1_delayed_pool'), '24x24x24');
    assert.equal(shapes.get('block_3_expand'), outputShapes(before).get('block_3_expand'));
    assert.ok(!shapes.has('block_1_pad'), 'the stride-2 padding goes with the stride');
  });

  it('refuses to move downsampling earlier', () => {
    assert.throws(
      () => delayDownsampling(mobilenet(), { from: 'block_3', after: 'block_2' }),
      TransformError,
    );
  });
});

describe("the paper code's quirks, one by one", () => {
  it('each changes only what it names', () => {
    const d = xception();
    const base = summarize(d, { batchSize: 1 }).params;
    const noBn = summarize(residualProjectionsWithoutBatchNorm(d), { batchSize: 1 }).params;
    assert.equal(base.total - noBn.total, 4 * (128 + 256 + 728 + 1024), 'four BN layers of 4 x C');
    const biases = summarize(biasOnEveryConv(d), { batchSize: 1 }).params;
    const convOutputs = layersOf(d.layers).reduce(
      (sum, { layer }) =>
        sum + (layer.kind === 'Conv2D' || layer.kind === 'SeparableConv2D' ? layer.filters : 0),
      0,
    );
    assert.equal(biases.total - base.total, convOutputs);
    assert.equal(outputShapes(stemSamePadding(d)).get('block1_conv1'), '48x48x32');
    const wide = summarize(exitResidual3x3(d), { batchSize: 1 }).params;
    assert.equal(wide.total - base.total, 8 * 728 * 1024);
  });

  it('refuses families they do not describe', () => {
    assert.throws(() => stemSamePadding(mobilenet()), /paper's Xception code; mobilenet-v2 is mobilenet-v2/);
  });
});

describe('transforms are pure', () => {
  it('leave their input untouched', () => {
    const d = xception();
    const copy = structuredClone(d);
    replace3x3With1x1(d, ['block2_sepconv1']);
    setBlockWidth(d, 'block4', 512);
    biasOnEveryConv(d);
    delayDownsampling(d, { from: 'block2', after: 'block3' });
    assert.deepEqual(d, copy);
  });
});

describe('MobileNetV2 variants', () => {
  it('mobilenet-v2-fire replaces every identity-residual block by a parallel fire module and is smaller', () => {
    const base = summarize(mobilenet(), { batchSize: 1 });
    const fire = summarize(describeModel('mobilenet-v2-fire', { numClasses: 101, inputSize: 96 }), {
      batchSize: 1,
    });
    const concats = fire.layers.filter((l) => l.kind === 'Concatenate');
    const adds = base.layers.filter((l) => l.kind === 'Add');
    assert.equal(concats.length, adds.length);
    assert.ok(fire.params.total < base.params.total);
    assert.deepEqual(fire.output, base.output);
  });
});
