import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  tensor,
  randn,
  saveSafetensors,
  loadSafetensors,
  readSafetensorsHeader,
  dispose,
} from '../../src/engine/index.js';
import { UserInputError } from '../../src/util/errors.js';

test('safetensors round-trips names, dtypes, shapes, values and metadata', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-st-'));
  const file = path.join(dir, 'weights.safetensors');
  const original = {
    'conv.weight': randn([4, 3, 3, 3]),
    'bn.num_batches': tensor(new Int32Array([7, 9]), [2], { dtype: 'int64' }),
    mask: tensor([true, false, true]),
    bytes: tensor(new Uint8Array([1, 2, 250])),
    scalar: tensor([3.5], [], { dtype: 'float64' }),
  };
  await saveSafetensors(file, original, { format: 'pt', model: 'test' });
  const { tensors, metadata } = await loadSafetensors(file);
  assert.deepEqual(metadata, { format: 'pt', model: 'test' });
  assert.deepEqual(Object.keys(tensors).sort(), Object.keys(original).sort());
  for (const [name, t] of Object.entries(original)) {
    assert.equal(tensors[name].dtype, t.dtype, name);
    assert.deepEqual(tensors[name].shape, t.shape, name);
    assert.deepEqual(tensors[name].toArray(), t.toArray(), name);
  }
  dispose([original, tensors]);
  await rm(dir, { recursive: true });
});

test('the file follows the safetensors layout: u64 header length, JSON header, aligned contiguous data', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-st-'));
  const file = path.join(dir, 'w.safetensors');
  const written = { b: tensor([1, 2, 3]), a: tensor(new Int32Array([5]), [1], { dtype: 'int64' }) };
  await saveSafetensors(file, written);
  dispose(written);
  const bytes = await readFile(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  assert.equal((8 + headerLength) % 8, 0, 'data starts 8-byte aligned');
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
  assert.deepEqual(header.a, { dtype: 'I64', shape: [1], data_offsets: [0, 8] });
  assert.deepEqual(header.b, { dtype: 'F32', shape: [3], data_offsets: [8, 20] });
  assert.equal(bytes.length, 8 + headerLength + 20);
  assert.equal(bytes.readBigInt64LE(8 + headerLength), 5n);
  assert.equal(bytes.readFloatLE(8 + headerLength + 8 + 4), 2);
  assert.deepEqual(await readSafetensorsHeader(file), header);
  await rm(dir, { recursive: true });
});

test('a truncated or foreign file is a clear error', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-st-'));
  const file = path.join(dir, 'w.safetensors');
  const w = randn([100]);
  await saveSafetensors(file, { w });
  w.dispose();
  const bytes = await readFile(file);
  await writeFile(file, bytes.subarray(0, bytes.length - 10));
  await assert.rejects(
    loadSafetensors(file),
    /tensor "w" has data_offsets \[0, 400\] past the data.s 390 bytes \(the file is truncated/,
  );
  await writeFile(file, 'hello world, not safetensors');
  await assert.rejects(loadSafetensors(file), /is not a safetensors file/);
  await rm(dir, { recursive: true });
});

/** A file with the given raw header text and data bytes, as a hostile or broken writer would make it. */
async function rawFile(dir: string, header: string, data: Buffer, lengthDelta = 0): Promise<string> {
  const file = path.join(dir, `raw-${Math.random().toString(36).slice(2)}.safetensors`);
  const json = Buffer.from(header, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length + lengthDelta));
  await writeFile(file, Buffer.concat([length, json, data]));
  return file;
}

const TWO_FLOATS = Buffer.from(new Float32Array([1.5, -2]).buffer);

test('every rule of the format is checked: each broken header is a UserInputError naming the file and the tensor', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-st-'));
  const entry = (fields: string) => `{"w":{${fields}}}`;
  const cases: [string, string, RegExp][] = [
    ['null header', 'null', /not a JSON object/],
    ['array header', '[]', /not a JSON object/],
    ['null entry', '{"w":null}', /tensor "w" is null, not an object/],
    ['no data_offsets', entry('"dtype":"F32","shape":[2]'), /tensor "w" has data_offsets undefined/],
    [
      'negative offsets',
      entry('"dtype":"F32","shape":[2],"data_offsets":[-64,8]'),
      /tensor "w" has data_offsets \[-64,8\]/,
    ],
    [
      'offsets reversed',
      entry('"dtype":"F32","shape":[0],"data_offsets":[8,0]'),
      /tensor "w" .*end before they begin/,
    ],
    [
      'offsets past the data',
      entry('"dtype":"F32","shape":[4],"data_offsets":[0,16]'),
      /tensor "w" .*past the data's 8 bytes/,
    ],
    [
      'fractional shape',
      entry('"dtype":"F32","shape":[1.5,4],"data_offsets":[0,8]'),
      /tensor "w" has shape \[1.5,4\]/,
    ],
    ['scalar as shape', entry('"dtype":"F32","shape":0,"data_offsets":[0,8]'), /tensor "w" has shape 0/],
    [
      'size mismatch',
      entry('"dtype":"F32","shape":[3],"data_offsets":[0,8]'),
      /tensor "w" holds 8 bytes but shape \[3\] of F32 needs 12/,
    ],
    [
      'unknown dtype',
      entry('"dtype":"F7","shape":[2],"data_offsets":[0,8]'),
      /tensor "w" has dtype "F7", which pareto-edge cannot load/,
    ],
    [
      'gap at the end',
      entry('"dtype":"F32","shape":[1],"data_offsets":[0,4]'),
      /data region has 8 bytes but its tensors cover 4/,
    ],
    [
      'gap at the start',
      entry('"dtype":"F32","shape":[1],"data_offsets":[4,8]'),
      /no tensor holds data bytes 0-4 \(before tensor "w"\)/,
    ],
    [
      'overlap',
      '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
      /tensor "b" \(bytes 4-8\) overlaps tensor "a"/,
    ],
    [
      'duplicate key',
      '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}',
      /names "w" twice/,
    ],
    [
      'metadata not strings',
      `{"__metadata__":{"epochs":3},${entry('"dtype":"F32","shape":[2],"data_offsets":[0,8]').slice(1)}`,
      /__metadata__.epochs is 3, not a string/,
    ],
    ['__proto__ entry broken', '{"__proto__":{"dtype":"F32"}}', /tensor "__proto__" has shape undefined/],
    ['not JSON', '{"w":', /header is not JSON/],
  ];
  for (const [what, header, message] of cases) {
    const file = await rawFile(dir, header, TWO_FLOATS);
    await assert.rejects(loadSafetensors(file), (error: Error) => {
      assert.ok(error instanceof UserInputError, `${what}: ${error.name}: ${error.message}`);
      assert.ok(error.message.includes(file), `${what}: names the file: ${error.message}`);
      assert.match(error.message, message, what);
      return true;
    });
    await assert.rejects(readSafetensorsHeader(file), UserInputError, what);
  }
  const notUtf8 = path.join(dir, 'latin1.safetensors');
  const json = Buffer.concat([
    Buffer.from('{"'),
    Buffer.from([0xe9]),
    Buffer.from('":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'),
  ]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  await writeFile(notUtf8, Buffer.concat([length, json, TWO_FLOATS]));
  await assert.rejects(
    loadSafetensors(notUtf8),
    /latin1.safetensors is corrupt: its header is not valid UTF-8/,
  );
  await rm(dir, { recursive: true });
});

test('a header length off by one (into the padding) is refused, not loaded as shifted data', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-st-'));
  const header = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}   ';
  for (const delta of [-1, -3, 1]) {
    const file = await rawFile(dir, header, TWO_FLOATS, delta);
    await assert.rejects(loadSafetensors(file), UserInputError, `length off by ${delta}`);
  }
  const exact = await rawFile(dir, header, TWO_FLOATS);
  const { tensors } = await loadSafetensors(exact);
  assert.deepEqual(tensors.w.toArray(), [1.5, -2]);
  dispose(tensors);
  await rm(dir, { recursive: true });
});

test('a tensor named __proto__ is an ordinary tensor: no prototype change, no TypeError', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-st-'));
  const file = await rawFile(
    dir,
    '{"__proto__":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}',
    TWO_FLOATS,
  );
  const { tensors } = await loadSafetensors(file);
  assert.deepEqual(Object.keys(tensors), ['__proto__']);
  assert.equal(Object.getPrototypeOf(tensors), Object.prototype);
  assert.deepEqual(tensors['__proto__'].toArray(), [1.5, -2]);
  dispose(tensors);
  await rm(dir, { recursive: true });
});
