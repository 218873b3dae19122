// ONNX export checked in ONNX Runtime: for the paper's four zoo models and xception-mini, the exported
// graph's logits equal pareto-edge's own forward pass (inference mode) within 1e-4 with the same top-1
// class on every image of the PCB test split, at batch 1 and in batches of 50 (the batch dimension is dynamic); BatchNorm is folded away,
// TensorFlow's asymmetric 'same' padding is explicit, and the metadata names inputs, outputs and classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noGrad, tidy, tensor } from '../../src/engine/index.js';
import {
  decodeModel,
  encodeOnnx,
  ExportError,
  modelToOnnx,
  openOnnxSession,
  OPSET,
} from '../../src/export/index.js';
import { dropoutDefinition } from '../../src/layers/index.js';
import { INPUT, seededModel, testSplit } from './helpers.js';

const MODELS = ['xception', 'xception-lite', 'mobilenet-v2', 'efficientnet-v2-b1', 'xception-mini'];
const CLASSES = ['0', '1'];

test('ONNX export equals the forward pass in ONNX Runtime for the zoo models, on the whole PCB test split', async (t) => {
  const { batches, images, source } = await testSplit(50);
  t.diagnostic(`images: the whole test split, ${images} ${source}`);
  const first = batches[0]!;
  const pixels = first.images.length / first.labels.length;
  for (const name of MODELS) {
    const model = seededModel(name, CLASSES.length);
    try {
      const onnx = modelToOnnx(model, { classNames: CLASSES, preprocessing: 'test' });
      assert.equal(
        onnx.graph.nodes.filter((node) => node.opType === 'BatchNormalization').length,
        0,
        `${name}: every BatchNorm follows a convolution and is folded into it`,
      );
      const session = await openOnnxSession(encodeOnnx(onnx, 'test'));
      try {
        let delta = 0;
        let scale = 0;
        let agreeing = 0;
        let compared = 0;
        for (const batch of batches) {
          const expected = noGrad(() =>
            tidy(() => model.forward(tensor(batch.images, batch.shape)).toFloat32Array()),
          );
          const actual = await session.run(batch.images, batch.shape);
          delta = Math.max(delta, maxAbsDifference(actual, expected));
          scale = Math.max(scale, ...expected.map(Math.abs));
          const want = argmaxRows(expected, CLASSES.length);
          const got = argmaxRows(actual, CLASSES.length);
          agreeing += got.filter((label, i) => label === want[i]).length;
          compared += want.length;
        }
        // The batch dimension is dynamic: one image alone gives the same logits.
        const expectedSingle = noGrad(() =>
          tidy(() =>
            model
              .forward(tensor(first.images.subarray(0, pixels), [1, ...first.shape.slice(1)]))
              .toFloat32Array(),
          ),
        );
        const single = await session.run(first.images.subarray(0, pixels), [1, ...first.shape.slice(1)]);
        const singleDelta = maxAbsDifference(single, expectedSingle);
        t.diagnostic(
          `${name}: max |Δlogit| ${delta.toExponential(2)} over ${compared} images (batches of 50), ${singleDelta.toExponential(2)} (batch 1); top-1 agreement ${agreeing}/${compared}; max |logit| ${scale.toFixed(3)}`,
        );
        assert.equal(compared, images, `${name}: every test image compared`);
        assert.ok(scale > 0.05, `${name}: logits of a meaningful size (max |logit| ${scale})`);
        assert.ok(
          delta <= 1e-4 && singleDelta <= 1e-4,
          `${name}: max |Δlogit| ${delta}, ${singleDelta} > 1e-4`,
        );
        assert.equal(agreeing, compared, `${name}: top-1 agreement ${agreeing}/${compared}`);
      } finally {
        await session.release();
      }
    } finally {
      model.dispose();
    }
  }
});

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length, 'as many logits from ONNX Runtime as from the forward pass');
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

test('the ONNX file declares opset 13, a dynamic batch, explicit asymmetric padding and its metadata', async () => {
  const model = seededModel('xception-lite', CLASSES.length);
  try {
    const onnx = modelToOnnx(model, { classNames: CLASSES, preprocessing: 'RGB, x / 127.5 - 1' });
    const decoded = decodeModel(encodeOnnx(onnx, '1.2.3')) as unknown as DecodedModel;
    assert.deepEqual(decoded.opsetImport, [{ domain: '', version: OPSET }]);
    assert.ok(OPSET >= 13);
    assert.equal(decoded.producerName, 'pareto-edge');
    const [input] = decoded.graph.input;
    assert.equal(input.name, 'input');
    assert.deepEqual(
      input.type.tensorType.shape.dim.map((d) => d.dimParam ?? d.dimValue),
      ['batch', 3, INPUT, INPUT],
    );
    assert.equal(decoded.graph.output[0].name, 'logits');
    assert.equal(decoded.graph.output[0].type.tensorType.shape.dim[0].dimParam, 'batch');
    const metadata = Object.fromEntries(decoded.metadataProps.map((p) => [p.key, p.value]));
    assert.deepEqual(JSON.parse(metadata.classes), CLASSES);
    assert.equal(metadata.input_name, 'input');
    assert.equal(metadata.output_name, 'logits');
    assert.equal(metadata.preprocessing, 'RGB, x / 127.5 - 1');
    // Xception's stride-2 3x3 convs on even sizes pad TensorFlow's way: 0 before, 1 after.
    const pads = decoded.graph.node
      .filter((node) => node.opType === 'Conv' || node.opType === 'MaxPool')
      .map((node) => node.attribute.find((a) => a.name === 'pads')?.ints ?? []);
    assert.ok(
      pads.some((p: number[]) => p.join(',') === '0,0,1,1'),
      'an asymmetric same padding',
    );
  } finally {
    model.dispose();
  }
});

/** The parts of a decoded ModelProto this test reads. */
interface DecodedModel {
  opsetImport: { domain: string; version: number }[];
  producerName: string;
  graph: {
    input: ValueInfo[];
    output: ValueInfo[];
    node: { opType: string; attribute: { name: string; ints?: number[] }[] }[];
  };
  metadataProps: { key: string; value: string }[];
}

interface ValueInfo {
  name: string;
  type: { tensorType: { shape: { dim: { dimParam?: string; dimValue?: number }[] } } };
}

function argmaxRows(values: Float32Array, classes: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < values.length; i += classes) {
    const row = Array.from(values.subarray(i, i + classes));
    rows.push(row.indexOf(Math.max(...row)));
  }
  return rows;
}

test('a layer type without an ONNX mapping is refused, naming the layer', () => {
  const model = seededModel('xception-mini', CLASSES.length);
  const mapping = dropoutDefinition.onnx;
  try {
    delete (dropoutDefinition as { onnx?: unknown }).onnx;
    assert.throws(
      () => modelToOnnx(model, { classNames: CLASSES, preprocessing: 'test' }),
      (e: Error) =>
        e instanceof ExportError &&
        /layer '.+' \(Dropout\) has no ONNX mapping, so xception-mini cannot be exported/.test(e.message),
    );
  } finally {
    Object.assign(dropoutDefinition, { onnx: mapping });
    model.dispose();
  }
});
