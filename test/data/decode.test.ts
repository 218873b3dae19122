import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { fingerprint } from '../../src/data/check/phash.js';
import { decodeResized } from '../../src/data/decode.js';
import { readAndDecode } from '../../src/data/image-file.js';
import { removeDir, tempDir } from './helpers.js';

let root: string;
before(async () => {
  root = await tempDir();
});
after(async () => removeDir(root));

const solid = (width: number, height: number, channels: 3 | 4, rgba: number[]) => {
  const data = Buffer.alloc(width * height * channels);
  for (let i = 0; i < width * height; i++)
    for (let c = 0; c < channels; c++) data[i * channels + c] = rgba[c];
  return sharp(data, { raw: { width, height, channels } });
};

function meanRgb(data: Uint8Array): number[] {
  const sum = [0, 0, 0];
  for (let i = 0; i < data.length; i++) sum[i % 3] += data[i];
  return sum.map((s) => s / (data.length / 3));
}

test('grayscale, CMYK and alpha images all decode to RGB of the right colour', async () => {
  const gray = join(root, 'gray.jpg');
  await solid(10, 8, 3, [120, 120, 120]).toColourspace('b-w').jpeg().toFile(gray);
  const cmyk = join(root, 'cmyk.jpg');
  await solid(10, 8, 3, [200, 40, 40]).jpeg().toColourspace('cmyk').toFile(cmyk);
  const alpha = join(root, 'alpha.png');
  await solid(10, 8, 4, [30, 160, 90, 128]).png().toFile(alpha);
  const grayAlpha = join(root, 'gray-alpha.png');
  await solid(10, 8, 4, [70, 70, 70, 255]).toColourspace('b-w').png().toFile(grayAlpha);

  for (const [file, expected, tolerance] of [
    [gray, [120, 120, 120], 3],
    [cmyk, [200, 40, 40], 25], // through a colour profile round trip: near, not exact
    [alpha, [30, 160, 90], 2], // alpha dropped like Keras' decode_image(channels=3)
    [grayAlpha, [70, 70, 70], 2],
  ] as const) {
    const image = await decodeResized(file, { height: 6, width: 5 });
    assert.equal(image.data.length, 6 * 5 * 3, file);
    meanRgb(image.data).forEach((v, c) =>
      assert.ok(Math.abs(v - expected[c]) <= tolerance, `${file} channel ${c}: ${v}`),
    );
  }
});

test('stretch keeps the whole picture, center-crop cuts the sides of a wide one', async () => {
  // 30×10: red left third, green middle, blue right third.
  const width = 30;
  const data = Buffer.alloc(width * 10 * 3);
  for (let y = 0; y < 10; y++)
    for (let x = 0; x < width; x++) data[(y * width + x) * 3 + Math.floor(x / 10)] = 255;
  const file = join(root, 'wide.png');
  await sharp(data, { raw: { width, height: 10, channels: 3 } })
    .png()
    .toFile(file);

  const stretched = await decodeResized(file, { height: 9, width: 9 }, 'stretch');
  const cropped = await decodeResized(file, { height: 9, width: 9 }, 'center-crop');
  const px = (img: { data: Uint8Array }, x: number, y: number) =>
    Array.from(img.data.subarray((y * 9 + x) * 3, (y * 9 + x) * 3 + 3));
  assert.deepEqual(px(stretched, 0, 4), [255, 0, 0]);
  assert.deepEqual(px(stretched, 8, 4), [0, 0, 255]);
  // The centre crop of a 30×10 image is its middle 10×10: green (edges blend a little with the
  // neighbouring thirds through the resize kernel), with no trace of the red or blue ends.
  for (const x of [0, 4, 8]) {
    const [r, g, b] = px(cropped, x, 4);
    assert.ok(g > 200 && r < 60 && b < 60, `x=${x}: ${[r, g, b]}`);
  }
  assert.deepEqual(px(cropped, 4, 4), [0, 255, 0]);
});

test('truncated and non-image files throw (the loader turns this into a skip)', async () => {
  const good = await solid(40, 40, 3, [10, 200, 10]).jpeg().toBuffer();
  const truncated = join(root, 'truncated.jpg');
  await writeFile(truncated, good.subarray(0, Math.floor(good.length / 2)));
  const garbage = join(root, 'garbage.png');
  await writeFile(garbage, 'this is not a png');
  const empty = join(root, 'empty.jpg');
  await writeFile(empty, '');
  const size = { height: 8, width: 8 };
  // The reason says what is wrong with the file, not the decoder's internals.
  await assert.rejects(decodeResized(truncated, size), /^Error: truncated JPEG: the file ends before/);
  await assert.rejects(decodeResized(garbage, size), /^Error: not an image: it starts with no JPEG, PNG/);
  await assert.rejects(decodeResized(empty, size), /^Error: empty file/);
  await assert.rejects(decodeResized(join(root, 'gone.jpg'), size), /^Error: file not found/);
});

test('a FIFO named .jpg, or a link to one, is refused at once instead of blocking the reader', async () => {
  const fifo = join(root, 'pipe.jpg');
  execFileSync('mkfifo', [fifo]);
  const link = join(root, 'link-to-pipe.jpg');
  await symlink(fifo, link);
  for (const path of [fifo, link]) {
    await assert.rejects(decodeResized(path, { height: 8, width: 8 }), /not a regular file but a FIFO/);
    await assert.rejects(fingerprint(path), /not a regular file but a FIFO/);
  }
});

test('reading and decoding one file has a time limit', async () => {
  const file = join(root, 'slow.png');
  await writeFile(file, 'x');
  const never = () => new Promise<never>(() => {});
  await assert.rejects(readAndDecode(file, never, 50), /not read and decoded within 0\.05 s/);
});
