// The zoo against Keras: exact parameter totals (Keras convention) through the CLI, shapes at any
// input size >= 32, any number of classes, and the Keras details a builder depends on.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { inferShapes } from '../../src/analysis/shapes.js';
import type { ModelDescription } from '../../src/models/description.js';
import type { BatchNormalizationLayer, Conv2DLayer, Layer } from '../../src/layers/index.js';
import { describeModel, listModels, ModelOptionsError } from '../../src/zoo/registry.js';
import { layersOf, namesOf } from '../../src/models/walk.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../../bin/pareto-edge.js', import.meta.url));

async function summaryTotal(model: string, args: string[]): Promise<number> {
  const { stdout } = await run(process.execPath, [
    cli,
    'summary',
    model,
    '--input',
    '224',
    ...args,
    '--json',
  ]);
  return (JSON.parse(stdout) as { params: { total: number } }).params.total;
}

/** Keras model.summary() totals (DESIGN.md; the paper's 21.1M / 15.8M / 2.4M / 7.1M). */
const KERAS_TOTALS: [string, string[], number][] = [
  ['xception', ['--classes', '101'], 21_068_429],
  ['xception', ['--no-head'], 20_861_480],
  ['xception-lite', ['--classes', '101'], 15_834_933],
  ['mobilenet-v2', ['--classes', '101'], 2_387_365],
  ['mobilenet-v2', ['--no-head'], 2_257_984],
  ['efficientnet-v2-b1', ['--classes', '101'], 7_060_505],
  ['efficientnet-v2-b1', ['--no-head'], 6_931_124],
];

const layerNamed = (d: ModelDescription, name: string): Layer => {
  const found = layersOf(d.layers).find((l) => l.layer.name === name);
  assert.ok(found, `${d.name} has a layer ${name}`);
  return found.layer;
};

describe('zoo parameter totals match Keras exactly', () => {
  for (const [model, args, expected] of KERAS_TOTALS)
    it(`summary ${model} ${args.join(' ')} -> ${expected}`, async () => {
      assert.equal(await summaryTotal(model, args), expected);
    });
});

describe('zoo shapes and options', () => {
  const names = listModels().map((m) => m.name);

  it('registers the paper models and derived variants with metadata', () => {
    for (const name of [
      'xception',
      'xception-lite',
      'mobilenet-v2',
      'efficientnet-v2-b0',
      'efficientnet-v2-b1',
    ])
      assert.ok(names.includes(name), name);
    for (const info of listModels()) {
      assert.ok(info.description.length > 20 && info.reference.length > 10, info.name);
      assert.equal(info.minInputSize, 32);
    }
  });

  it('builds every model at odd, even and minimal sizes with any number of classes', () => {
    for (const name of names)
      for (const [size, classes] of [
        [32, 2],
        [33, 7],
        [97, 101],
        [300, 1000],
      ] as const) {
        const d = describeModel(name, { inputSize: size, numClasses: classes });
        const { output } = inferShapes(d.layers, [size, size, 3]);
        assert.deepEqual(output, [classes], `${name} at ${size}`);
      }
  });

  it('accepts non-square inputs', () => {
    const d = describeModel('mobilenet-v2', { inputSize: [96, 160], includeHead: false });
    assert.deepEqual(inferShapes(d.layers, [96, 160, 3]).output, [3, 5, 1280]);
  });

  it('reproduces Keras output shapes of the backbones (Xception 299 -> 10x10x2048, MobileNetV2 224 -> 7x7x1280)', () => {
    const x = describeModel('xception', { inputSize: 299, includeHead: false });
    assert.deepEqual(inferShapes(x.layers, [299, 299, 3]).output, [10, 10, 2048]);
    const m = describeModel('mobilenet-v2', { inputSize: 224, includeHead: false });
    assert.deepEqual(inferShapes(m.layers, [224, 224, 3]).output, [7, 7, 1280]);
  });

  it('rejects inputs smaller than 32x32, naming the minimum', () => {
    for (const size of [31, 16, 0])
      assert.throws(
        () => describeModel('xception', { inputSize: size }),
        (e: Error) => {
          assert.ok(e instanceof ModelOptionsError);
          assert.match(e.message, /at least 32x32/);
          return true;
        },
      );
  });

  it('rejects unknown models listing the valid names', () => {
    assert.throws(
      () => describeModel('resnet50'),
      (e: Error) => {
        assert.match(e.message, /unknown model 'resnet50'/);
        for (const name of names) assert.ok(e.message.includes(name));
        return true;
      },
    );
  });

  it('omits the head on request: the backbone ends with its last activation', () => {
    const d = describeModel('efficientnet-v2-b1', { includeHead: false });
    assert.equal(d.numClasses, null);
    assert.ok(!layersOf(d.layers).some(({ layer }) => layer.kind === 'Dense'));
    assert.equal(layersOf(d.layers).at(-1)!.layer.name, 'top_activation');
  });

  it("uses the paper's head: GAP -> Dropout(0.2) -> Dense with Keras default initializers", () => {
    const d = describeModel('xception', { numClasses: 5 });
    const head = layersOf(d.layers)
      .slice(-3)
      .map((l) => l.layer);
    assert.deepEqual(
      head.map((l) => l.kind),
      ['GlobalAveragePooling2D', 'Dropout', 'Dense'],
    );
    assert.equal(head[1]!.kind === 'Dropout' && head[1]!.rate, 0.2);
    assert.ok(head[2]!.kind === 'Dense');
    assert.deepEqual(head[2]!.kernelInitializer, { name: 'glorot_uniform' });
    assert.equal(head[2]!.activation, 'linear');
  });

  it('is plain JSON with unique names', () => {
    for (const name of names) {
      const d = describeModel(name, { inputSize: 64, numClasses: 3 });
      assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
      const all = namesOf(d.layers);
      assert.equal(new Set(all).size, all.length, name);
    }
  });
});

describe('Keras details', () => {
  it('Xception: valid, bias-free stem; bias-free separable convs; residual 1x1 projections with BN', () => {
    const d = describeModel('xception');
    const stem = layerNamed(d, 'block1_conv1') as Conv2DLayer;
    assert.equal(stem.padding, 'valid');
    assert.equal(stem.useBias, false);
    for (const { layer } of layersOf(d.layers))
      if (layer.kind === 'SeparableConv2D') assert.equal(layer.useBias, false, layer.name);
    assert.deepEqual((layerNamed(d, 'block13_residual_conv') as Conv2DLayer).kernelSize, [1, 1]);
    assert.equal(layerNamed(d, 'block13_residual_bn').kind, 'BatchNormalization');
    assert.equal((layerNamed(d, 'block2_sepconv1_bn') as BatchNormalizationLayer).momentum, 0.99);
  });

  it('MobileNetV2: BN momentum 0.999, ReLU6, correct_pad before stride-2 depthwise convs', () => {
    const even = describeModel('mobilenet-v2', { inputSize: 224 });
    assert.equal((layerNamed(even, 'block_1_expand_BN') as BatchNormalizationLayer).momentum, 0.999);
    assert.deepEqual(layerNamed(even, 'block_1_pad'), {
      kind: 'ZeroPadding2D',
      name: 'block_1_pad',
      padding: [
        [0, 1],
        [0, 1],
      ],
    });
    // An odd size gets symmetric padding, which correct_pad's adjust term encodes.
    const odd = describeModel('mobilenet-v2', { inputSize: 225 });
    assert.deepEqual((layerNamed(odd, 'block_1_pad') as { padding: unknown }).padding, [
      [1, 1],
      [1, 1],
    ]);
    assert.equal(
      layerNamed(even, 'block_1_depthwise').kind === 'DepthwiseConv2D' &&
        (layerNamed(even, 'block_1_depthwise') as { padding: unknown }).padding,
      'valid',
    );
  });

  it('MobileNetV2 alpha follows _make_divisible (0.35 -> 16-wide stem, 1.4 -> 1792-wide top)', () => {
    const narrow = describeModel('mobilenet-v2', { alpha: 0.35 });
    assert.equal((layerNamed(narrow, 'Conv1') as Conv2DLayer).filters, 16);
    assert.equal((layerNamed(narrow, 'Conv_1') as Conv2DLayer).filters, 1280);
    const wide = describeModel('mobilenet-v2', { alpha: 1.4 });
    assert.equal((layerNamed(wide, 'Conv_1') as Conv2DLayer).filters, 1792);
    assert.throws(() => describeModel('xception', { alpha: 0.5 }), /no alpha option.*mobilenet-v2/);
  });

  it('EfficientNetV2: depth scaling ceil(1.1 x repeats), SE with biases, variance-scaling kernels, momentum 0.9', () => {
    const count = (d: ModelDescription): number =>
      layersOf(d.layers).filter(({ layer }) => layer.name.endsWith('_project_conv')).length;
    assert.equal(count(describeModel('efficientnet-v2-b0')), 1 + 2 + 2 + 3 + 5 + 8);
    assert.equal(count(describeModel('efficientnet-v2-b1')), 2 + 3 + 3 + 4 + 6 + 9);
    const b1 = describeModel('efficientnet-v2-b1');
    const reduce = layerNamed(b1, 'block4a_se_reduce') as Conv2DLayer;
    assert.equal(reduce.useBias, true);
    assert.equal(reduce.activation, 'swish');
    assert.equal(reduce.filters, 12, 'max(1, int(48 * 0.25)) of the block input filters');
    assert.deepEqual(reduce.kernelInitializer, {
      name: 'variance_scaling',
      scale: 2,
      mode: 'fan_out',
      distribution: 'truncated_normal',
    });
    assert.equal((layerNamed(b1, 'stem_bn') as BatchNormalizationLayer).momentum, 0.9);
    assert.equal(layerNamed(b1, 'rescaling').kind, 'Rescaling');
    assert.equal(layerNamed(b1, 'normalization').kind, 'Normalization');
    const drop = layerNamed(b1, 'block1b_drop');
    assert.ok(drop.kind === 'Dropout' && drop.noiseShape === 'per-sample' && drop.rate > 0);
  });
});
