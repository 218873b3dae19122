// int8 QDQ quantization: weights int8 per output channel, activations uint8 per tensor from
// calibration, biases int32; the quantized graph runs in ONNX Runtime close to the fp32 one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  calibrate,
  encodeOnnx,
  modelToOnnx,
  openOnnxSession,
  quantizeModel,
} from '../../src/export/index.js';
import { activationQuantization } from '../../src/export/quantize.js';
import { seededModel, testImages } from './helpers.js';

test('activation ranges are widened to hold zero exactly', () => {
  const { scale, zeroPoint } = activationQuantization([-1, 3]);
  assert.ok(Math.abs(scale - 4 / 255) < 1e-12);
  assert.equal(zeroPoint, 64);
  assert.deepEqual(activationQuantization([0.5, 2]), { scale: 2 / 255, zeroPoint: 0 });
  assert.equal(activationQuantization([-4, -1]).zeroPoint, 255);
});

test('the int8 QDQ model of mobilenet-v2 quantizes every conv and runs close to fp32 in ONNX Runtime', async () => {
  const { batch } = await testImages(8);
  const model = seededModel('mobilenet-v2', 2);
  try {
    const onnx = modelToOnnx(model, { classNames: ['0', '1'], preprocessing: 'test' });
    const ranges = await calibrate(
      onnx,
      async function* () {
        yield { images: batch.images, shape: [...batch.shape] };
      },
      'minmax',
    );
    const int8 = quantizeModel(onnx, ranges, 'int8 test');
    const { graph } = int8;
    for (const node of graph.nodes.filter((n) => n.opType === 'Conv' || n.opType === 'Gemm')) {
      const [x, w, b] = node.inputs.map((name) => graph.producer(name));
      assert.equal(x?.opType, 'DequantizeLinear', `${node.name}: quantized input`);
      const weight = graph.initializers.get(w!.inputs[0])!;
      const scale = graph.initializers.get(w!.inputs[1])!;
      assert.equal(weight.type, 'int8');
      assert.deepEqual(scale.dims, [weight.dims[0]], `${node.name}: one weight scale per output channel`);
      assert.deepEqual(w!.attributes.axis, { int: 0 });
      if (b) assert.equal(graph.initializers.get(b.inputs[0])!.type, 'int32');
    }
    assert.ok(
      graph.nodes
        .filter((n) => n.opType === 'QuantizeLinear')
        .every((n) => graph.initializers.get(n.inputs[2])!.type === 'uint8'),
    );

    const fp32 = await openOnnxSession(encodeOnnx(onnx, 'test'));
    const quantized = await openOnnxSession(encodeOnnx(int8, 'test'));
    try {
      const a = await fp32.run(batch.images, batch.shape);
      const b = await quantized.run(batch.images, batch.shape);
      const spread = Math.max(...a) - Math.min(...a);
      const delta = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
      assert.ok(delta < 0.1 * Math.max(...a.map(Math.abs)), `max |Δlogit| ${delta}, logits spread ${spread}`);
    } finally {
      await fp32.release();
      await quantized.release();
    }
  } finally {
    model.dispose();
  }
});
