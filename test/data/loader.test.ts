import assert from 'node:assert/strict';
import { readdir, stat, utimes, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openDataset, type ImageDataset } from '../../src/data/dataset.js';
import { decodeResized } from '../../src/data/decode.js';
import { createLoader, type LoaderOptions } from '../../src/data/loader.js';
import { createLoaders } from '../../src/data/loaders.js';
import type { Batch, Sample } from '../../src/data/types.js';
import { WorkerPool } from '../../src/data/worker-pool.js';
import { removeDir, tempDir, writeBytes, writeClassFolders } from './helpers.js';

let root: string;
let dataset: ImageDataset;
let pool: WorkerPool;
before(async () => {
  root = await tempDir();
  await writeClassFolders(join(root, 'data'), { a: 14, b: 9, c: 11 });
  dataset = await openDataset(join(root, 'data'));
  pool = await WorkerPool.create(2);
});
after(async () => {
  await pool.close();
  await removeDir(root);
});

async function collect(samples: readonly Sample[], options: LoaderOptions, epoch = 0): Promise<Batch[]> {
  const loader = await createLoader(samples, options);
  const batches: Batch[] = [];
  for await (const batch of loader.epoch(epoch)) batches.push(batch);
  await loader.close();
  return batches;
}

const base: LoaderOptions = { batchSize: 4, inputSize: [12, 10], workers: 0 };

test('batches have the declared shape and layout, every sample once per epoch', async () => {
  const samples = dataset.splits.train;
  const batches = await collect(samples, base);
  assert.equal(batches.length, Math.ceil(samples.length / 4));
  for (const b of batches) {
    const n = b.labels.length;
    assert.deepEqual(b.shape, [n, 3, 12, 10]);
    assert.equal(b.layout, 'nchw');
    assert.equal(b.images.length, n * 3 * 12 * 10);
    assert.ok(b.images.every((v) => v >= -1 && v <= 1));
    b.indices.forEach((index, i) => assert.equal(b.labels[i], samples[index].label));
  }
  const seen = batches.flatMap((b) => Array.from(b.indices)).sort((x, y) => x - y);
  assert.deepEqual(seen, Array.from(samples.keys()));
  const dropped = await collect(samples, { ...base, dropLast: true });
  assert.equal(dropped.length, Math.floor(samples.length / 4));
  assert.ok(dropped.every((b) => b.labels.length === 4));
});

test('without augmentation a batch holds exactly the rescaled decoded pixels, NCHW or NHWC', async () => {
  const samples = dataset.splits.val.slice(0, 3);
  const [nchw] = await collect(samples, { ...base, layout: 'nchw' });
  const [nhwc] = await collect(samples, { ...base, layout: 'nhwc' });
  assert.deepEqual(nhwc.shape, [3, 12, 10, 3]);
  for (let i = 0; i < 3; i++) {
    const { data } = await decodeResized(samples[i].path, { height: 12, width: 10 });
    for (let p = 0; p < 120; p++) {
      for (let c = 0; c < 3; c++) {
        const expected = Math.fround(data[p * 3 + c] / 127.5 - 1);
        assert.equal(nhwc.images[i * 360 + p * 3 + c], expected);
        assert.equal(nchw.images[i * 360 + c * 120 + p], expected);
      }
    }
  }
});

test('shuffling is seeded per epoch: reproducible, different between epochs and seeds', async () => {
  const samples = dataset.splits.train;
  const order = async (seed: number, epoch: number) =>
    (await collect(samples, { ...base, shuffle: true, seed }, epoch)).flatMap((b) => Array.from(b.indices));
  const e0 = await order(5, 0);
  assert.deepEqual(await order(5, 0), e0);
  assert.notDeepEqual(await order(5, 1), e0);
  assert.notDeepEqual(await order(6, 0), e0);
  assert.notDeepEqual(e0, Array.from(samples.keys()), 'actually shuffled');
});

test('augmentation is seeded by (seed, epoch, image): the worker pool gives the same batches as the main thread', async () => {
  const samples = dataset.splits.train;
  const options: LoaderOptions = { ...base, shuffle: true, augment: true, seed: 3 };
  const inline = await collect(samples, options, 2);
  const pooled = await collect(samples, { ...options, pool, workers: undefined }, 2);
  assert.equal(pooled.length, inline.length);
  pooled.forEach((b, i) => {
    assert.deepEqual(b.indices, inline[i].indices);
    assert.deepEqual(b.images, inline[i].images);
  });
  const plain = await collect(samples, { ...options, augment: false }, 2);
  assert.notDeepEqual(plain[0].images, inline[0].images, 'augmentation changed the pixels');
  const nextEpoch = await collect(samples, options, 3);
  const byIndex = (batches: Batch[], index: number) => {
    for (const b of batches) {
      const at = Array.from(b.indices).indexOf(index);
      if (at >= 0) return b.images.subarray(at * 360, (at + 1) * 360);
    }
    throw new Error('missing');
  };
  assert.notDeepEqual(byIndex(nextEpoch, 0), byIndex(inline, 0), 'a new epoch draws new augmentations');
});

test('the disk cache gives batches equal to decoding, and later epochs read it instead of the images', async () => {
  const cacheDir = join(root, 'decode-cache');
  const samples = dataset.splits.test;
  const options: LoaderOptions = { ...base, shuffle: true, augment: true, seed: 9, pool, workers: undefined };
  const uncached = await collect(samples, options, 1);
  const cachedFirst = await collect(samples, { ...options, cache: cacheDir }, 1);
  const cachedAgain = await collect(samples, { ...options, cache: cacheDir }, 1);
  assert.deepEqual(cachedFirst, uncached);
  assert.deepEqual(cachedAgain, uncached);
  const shards = await readdir(cacheDir);
  let files = 0;
  for (const shard of shards) files += (await readdir(join(cacheDir, shard))).length;
  assert.equal(files, samples.length, 'one cache file per image');

  // Overwrite an image with garbage of the same size and restore its mtime: the cache key (path,
  // mtime, size, input size) is unchanged, so a cached epoch still serves the original pixels —
  // proof that it did not decode. Touching the mtime makes the key change, and the file is decoded.
  const victim = samples[0].path;
  const info = await stat(victim);
  const original = await readFile(victim);
  await writeFile(victim, Buffer.alloc(info.size, 7));
  await utimes(victim, info.atime, info.mtime);
  const fromCache = await collect(samples, { ...options, cache: cacheDir }, 1);
  assert.deepEqual(fromCache, uncached);
  const warnings: string[] = [];
  await utimes(victim, info.atime, new Date(info.mtimeMs + 5000));
  const redecoded = await collect(
    samples,
    { ...options, cache: cacheDir, onWarning: (m) => warnings.push(m) },
    1,
  );
  assert.equal(
    redecoded.reduce((n, b) => n + b.labels.length, 0),
    samples.length - 1,
    'the changed file was decoded (and failed)',
  );
  assert.equal(warnings.length, 1);
  await writeFile(victim, original);
});

test('unreadable and truncated files are skipped with one warning each and counted, never a crash', async () => {
  const dir = join(root, 'broken');
  await writeClassFolders(dir, { x: 5, y: 5 });
  const good = await readFile(join(dir, 'x', 'img_000.jpg'));
  await writeBytes(join(dir, 'x', 'truncated.jpg'), good.subarray(0, good.length >> 1));
  await writeBytes(join(dir, 'y', 'garbage.png'), 'not a png');
  const broken = await openDataset(dir, { ratios: { train: 1, val: 0, test: 0 } });
  assert.equal(broken.splits.train.length, 12);
  for (const workers of [0, 2]) {
    const warnings: string[] = [];
    const loader = await createLoader(broken.splits.train, {
      ...base,
      workers,
      onWarning: (m) => warnings.push(m),
    });
    for (let epoch = 0; epoch < 2; epoch++) {
      let images = 0;
      for await (const batch of loader.epoch(epoch)) images += batch.labels.length;
      assert.equal(images, 10);
    }
    await loader.close();
    assert.equal(warnings.length, 2, 'one warning per file, not per epoch');
    assert.ok(warnings.some((w) => w.includes('truncated.jpg')));
    assert.ok(warnings.some((w) => w.includes('garbage.png')));
    const summary = loader.summary();
    assert.equal(summary.images, 12);
    assert.deepEqual(summary.skipped.map((s) => s.path.split('/').pop()).sort(), [
      'garbage.png',
      'truncated.jpg',
    ]);
  }
});

test('createLoaders: train shuffles and augments, val and test do neither', async () => {
  const loaders = await createLoaders(dataset, { batchSize: 5, inputSize: 8, pool, seed: 1 });
  const orderOf = async (epoch: number) => {
    const indices: number[] = [];
    for await (const b of loaders.val.epoch(epoch)) indices.push(...b.indices);
    return indices;
  };
  assert.deepEqual(await orderOf(0), Array.from(dataset.splits.val.keys()));
  assert.deepEqual(await orderOf(1), await orderOf(0));
  const first: Batch[] = [];
  for await (const b of loaders.test.epoch(0)) first.push(b);
  const again: Batch[] = [];
  for await (const b of loaders.test.epoch(7)) again.push(b);
  assert.deepEqual(again, first, 'evaluation is the same every epoch');
  const train0: number[] = [];
  for await (const b of loaders.train.epoch(0)) train0.push(...b.indices);
  assert.notDeepEqual(train0, Array.from(dataset.splits.train.keys()));
  await loaders.close();
});

test('createLoaders: trainAsIs has every training image unaugmented, in a shuffled order that mixes classes', async () => {
  const loaders = await createLoaders(dataset, { batchSize: 5, inputSize: 8, pool, seed: 1 });
  const asIs: Batch[] = [];
  for await (const b of loaders.trainAsIs.epoch(0)) asIs.push(b);
  const indices = asIs.flatMap((b) => [...b.indices]);
  assert.deepEqual(
    [...indices].sort((a, b) => a - b),
    Array.from(dataset.splits.train.keys()),
  );
  assert.notDeepEqual(indices, Array.from(dataset.splits.train.keys()), 'not file order');
  assert.ok(new Set(asIs[0].labels).size > 1, 'the first batch mixes classes');
  const plain = await collect(dataset.splits.train, { ...base, inputSize: 8, batchSize: 1, augment: false });
  const first = asIs[0].indices[0];
  assert.deepEqual(asIs[0].images.subarray(0, 3 * 8 * 8), plain[first].images, 'not augmented');
  await loaders.close();
});

test('bad loader options are clear errors', async () => {
  await assert.rejects(createLoader([], { batchSize: 0, inputSize: 8, workers: 0 }), /batch size 0/);
  await assert.rejects(createLoader([], { batchSize: 2, inputSize: 0, workers: 0 }), /input size/);
});
