import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  PAPER_AUGMENTATION,
  adjustContrast,
  applyAugmentation,
  augmentationOf,
  drawAugmentation,
  projectiveTransform,
  reflectCoordinate,
  rotationMatrix,
  writeRescaled,
  type AugmentDraw,
} from '../../src/data/augment.js';
import { Rng } from '../../src/data/prng.js';

/** A float HWC image with distinct values everywhere. */
function ramp(height: number, width: number): Float32Array {
  const image = new Float32Array(height * width * 3);
  for (let i = 0; i < image.length; i++) image[i] = (i * 37) % 251;
  return image;
}

/**
 * An independent reference for TensorFlow's fill_mode='reflect' + bilinear: build the image tiled
 * with mirror copies ("d c b a | a b c d | d c b a", repeated), then plain bilinear interpolation on
 * that big image. No coordinate folding arithmetic shared with the implementation under test.
 */
function referenceSample(
  image: Float32Array,
  height: number,
  width: number,
  x: number,
  y: number,
  c: number,
): number {
  const tiles = 4;
  const at = (xx: number, yy: number) => {
    // Position in the mirror-tiled plane (origin shifted by `tiles` copies) back to a source pixel.
    const fold = (v: number, len: number) => {
      const period = Math.floor((v + tiles * 2 * len) / len);
      const r = (v + tiles * 2 * len) % len;
      return period % 2 === 0 ? r : len - 1 - r;
    };
    return image[(fold(yy, height) * width + fold(xx, width)) * 3 + c];
  };
  // TensorFlow clamps the folded coordinate into [0, len - 1] after reflecting; the mirror-tiled plane
  // agrees except within half a pixel outside the edge, where TF holds the edge pixel: mimic that.
  const clampHalf = (v: number, len: number) => (v > -1 && v < 0 ? 0 : v > len - 1 && v < len ? len - 1 : v);
  const xc = clampHalf(x, width);
  const yc = clampHalf(y, height);
  const x0 = Math.floor(xc);
  const y0 = Math.floor(yc);
  const fx = xc - x0;
  const fy = yc - y0;
  return (
    (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
    fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1))
  );
}

test('reflect folds coordinates like TensorFlow ("d c b a | a b c d | d c b a")', () => {
  const len = 4;
  assert.equal(reflectCoordinate(-1, len), 0);
  assert.equal(reflectCoordinate(-2, len), 1);
  assert.equal(reflectCoordinate(-4, len), 3);
  assert.equal(reflectCoordinate(4, len), 3);
  assert.equal(reflectCoordinate(5, len), 2);
  assert.equal(reflectCoordinate(8, len), 0);
  assert.equal(reflectCoordinate(-0.4, len), 0);
  assert.equal(reflectCoordinate(3.5, len), 3);
  assert.equal(reflectCoordinate(1.25, len), 1.25);
  assert.equal(reflectCoordinate(-9, len), 0); // -9 → fold once more: ... a b c d | d c b a | a ...
});

test('rotation by a quarter turn moves pixels exactly like Keras (counter-clockwise about the centre)', () => {
  const n = 7;
  const src = ramp(n, n);
  const dst = new Float32Array(src.length);
  projectiveTransform(src, dst, n, n, rotationMatrix(Math.PI / 2, n, n));
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      // Keras' matrix for +90°: output (x, y) reads input (W-1-y, x).
      for (let c = 0; c < 3; c++)
        assert.ok(Math.abs(dst[(y * n + x) * 3 + c] - src[(x * n + (n - 1 - y)) * 3 + c]) < 1e-3);
    }
  }
  projectiveTransform(src, dst, n, n, rotationMatrix(0, n, n));
  assert.deepEqual(dst, src);
});

test('rotation and translation agree with an independent mirror-tiling reference', () => {
  const height = 9;
  const width = 12;
  const src = ramp(height, width);
  const dst = new Float32Array(src.length);
  const rng = new Rng(11);
  for (let trial = 0; trial < 12; trial++) {
    const m =
      trial % 2 === 0
        ? rotationMatrix(rng.uniform(-1, 1), height, width)
        : [1, 0, -rng.uniform(-4, 4) * 3, 0, 1, -rng.uniform(-3, 3) * 3]; // shifts up to ~1 image
    projectiveTransform(src, dst, height, width, m);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inX = m[0] * x + m[1] * y + m[2];
        const inY = m[3] * x + m[4] * y + m[5];
        for (let c = 0; c < 3; c++) {
          const expected = referenceSample(src, height, width, inX, inY, c);
          assert.ok(
            Math.abs(dst[(y * width + x) * 3 + c] - expected) < 1e-3,
            `trial ${trial} (${x},${y},${c})`,
          );
        }
      }
    }
  }
});

test('contrast moves each channel around its own mean by the factor, clipped to [0, 255]', () => {
  const image = new Float32Array([10, 100, 200, 30, 120, 220, 50, 140, 240, 70, 160, 250]); // 2×2
  const copy = Float32Array.from(image);
  adjustContrast(copy, 2, 2, 1.1);
  const means = [40, 130, 227.5];
  for (let i = 0; i < 4; i++) {
    for (let c = 0; c < 3; c++) {
      const expected = Math.min(255, Math.max(0, (image[i * 3 + c] - means[c]) * 1.1 + means[c]));
      assert.ok(Math.abs(copy[i * 3 + c] - expected) < 1e-4);
    }
  }
  // Channel means are unchanged when nothing clips.
  for (let c = 0; c < 3; c++)
    assert.ok(Math.abs((copy[c] + copy[3 + c] + copy[6 + c] + copy[9 + c]) / 4 - means[c]) < 1e-3);
  const strong = Float32Array.from(image);
  adjustContrast(strong, 2, 2, 3);
  assert.equal(strong[11], 255); // (250 − 227.5) · 3 + 227.5 = 295 → clipped
  assert.equal(strong[0], 0); // (10 − 40) · 3 + 40 = −50 → clipped
  assert.ok(strong.every((v) => v >= 0 && v <= 255));
});

test('draws follow the paper: angles within ±0.15·2π, shifts within ±10 %, flips half the time, contrast in [0.9, 1.1]', () => {
  const rng = new Rng(2024);
  const n = 4000;
  const draws: AugmentDraw[] = Array.from({ length: n }, () =>
    drawAugmentation(rng, PAPER_AUGMENTATION, 96, 80),
  );
  const maxAngle = 0.15 * 2 * Math.PI;
  assert.ok(draws.every((d) => Math.abs(d.angle) <= maxAngle));
  assert.ok(Math.max(...draws.map((d) => d.angle)) > maxAngle * 0.98, 'the range is used');
  assert.ok(draws.every((d) => Math.abs(d.shiftY) <= 9.6 && Math.abs(d.shiftX) <= 8));
  assert.ok(draws.every((d) => d.contrastFactor >= 0.9 && d.contrastFactor <= 1.1));
  const h = draws.filter((d) => d.flipHorizontal).length / n;
  const v = draws.filter((d) => d.flipVertical).length / n;
  const both = draws.filter((d) => d.flipHorizontal && d.flipVertical).length / n;
  // 4000 fair coins: the standard error is 0.8 %; 3 % is beyond four of them.
  assert.ok(Math.abs(h - 0.5) < 0.03, `horizontal ${h}`);
  assert.ok(Math.abs(v - 0.5) < 0.03, `vertical ${v}`);
  assert.ok(Math.abs(both - 0.25) < 0.03, `independent flips ${both}`);
  const meanAngle = draws.reduce((s, d) => s + d.angle, 0) / n;
  assert.ok(Math.abs(meanAngle) < 0.03, `centred angles ${meanAngle}`);
});

test('FLIP_AUGMENTATION (train --augment flips): flips seen in the pixels happen about half the time, and nothing else changes', () => {
  const height = 6;
  const width = 5;
  const src = ramp(height, width);
  const flipsOnly = augmentationOf('flips');
  assert.ok(flipsOnly);
  assert.equal(augmentationOf(true), PAPER_AUGMENTATION);
  assert.equal(augmentationOf(false), false);
  const mirrorX = (img: Float32Array) => {
    const out = new Float32Array(img.length);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = img[(y * width + (width - 1 - x)) * 3 + c];
    return out;
  };
  const mirrorY = (img: Float32Array) => {
    const out = new Float32Array(img.length);
    for (let y = 0; y < height; y++)
      out.set(img.subarray((height - 1 - y) * width * 3, (height - y) * width * 3), y * width * 3);
    return out;
  };
  let horizontal = 0;
  let vertical = 0;
  const n = 2000;
  for (let i = 0; i < n; i++) {
    const out = applyAugmentation(
      Float32Array.from(src),
      new Float32Array(src.length),
      height,
      width,
      drawAugmentation(new Rng(i), flipsOnly, height, width),
    );
    const candidates = [src, mirrorX(src), mirrorY(src), mirrorY(mirrorX(src))];
    const which = candidates.findIndex((cand) => cand.every((v, k) => v === out[k]));
    assert.ok(which >= 0, 'the output is the image or one of its mirrors');
    if (which === 1 || which === 3) horizontal++;
    if (which === 2 || which === 3) vertical++;
  }
  assert.ok(Math.abs(horizontal / n - 0.5) < 0.04, `horizontal ${horizontal / n}`);
  assert.ok(Math.abs(vertical / n - 0.5) < 0.04, `vertical ${vertical / n}`);
});

test('rescaling maps [0, 255] to [-1, 1] and lays out NCHW and NHWC consistently', () => {
  const height = 2;
  const width = 3;
  const image = new Uint8Array(height * width * 3).map((_, i) => (i * 51) % 256);
  const nchw = new Float32Array(2 * image.length);
  const nhwc = new Float32Array(2 * image.length);
  writeRescaled(image, nchw, 1, height, width, 'nchw');
  writeRescaled(image, nhwc, 1, height, width, 'nhwc');
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const expected = image[(y * width + x) * 3 + c] / 127.5 - 1;
        assert.equal(nhwc[image.length + (y * width + x) * 3 + c], Math.fround(expected));
        assert.equal(nchw[image.length + c * height * width + y * width + x], Math.fround(expected));
      }
    }
  }
  assert.ok(
    nchw.subarray(0, image.length).every((v) => v === 0),
    'slot 0 untouched',
  );
  const one = new Float32Array(3);
  writeRescaled(new Uint8Array([0, 255, 128]), one, 0, 1, 1, 'nhwc');
  assert.deepEqual(Array.from(one), [-1, 1, Math.fround(128 / 127.5 - 1)]);
});
