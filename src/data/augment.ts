// The paper's augmentation, reproducing Keras' preprocessing layers operation by operation:
//   RandomRotation(0.15) → RandomTranslation(0.1, 0.1) → RandomFlip('horizontal_and_vertical')
//   → RandomContrast(0.1) → Rescaling(1/127.5, offset=-1)
// Rotation and translation use Keras' defaults: fill_mode 'reflect', interpolation 'bilinear', through
// the same projective-transform arithmetic as TensorFlow's ImageProjectiveTransformV3 (the map from
// output to input pixel, the reflect rule "d c b a | a b c d | d c b a", bilinear weights). Images are
// float32 height × width × 3 with values in [0, 255] until the rescaling.
import type { Rng } from './prng.js';
import type { Layout } from './types.js';

export type FlipMode = 'horizontal_and_vertical' | 'horizontal' | 'vertical' | 'none';

export interface AugmentConfig {
  /** RandomRotation factor: angles uniform in ±factor × 2π. */
  rotation: number;
  /** RandomTranslation height factor: shifts uniform in ±factor × height. */
  translateHeight: number;
  /** RandomTranslation width factor. */
  translateWidth: number;
  flip: FlipMode;
  /** RandomContrast factor: contrast multiplier uniform in [1 - factor, 1 + factor]. */
  contrast: number;
}

/** The paper's code (Keras): the augmentation used when training. */
export const PAPER_AUGMENTATION: Readonly<AugmentConfig> = {
  rotation: 0.15,
  translateHeight: 0.1,
  translateWidth: 0.1,
  flip: 'horizontal_and_vertical',
  contrast: 0.1,
};

/**
 * Random horizontal and vertical flips only: no interpolation, so small details stay sharp. A board
 * seen from above is still a valid board when mirrored, which makes this a lossless augmentation for
 * PCB images (the demo's choice).
 */
export const FLIP_AUGMENTATION: Readonly<AugmentConfig> = {
  rotation: 0,
  translateHeight: 0,
  translateWidth: 0,
  flip: 'horizontal_and_vertical',
  contrast: 0,
};

/** What a training configuration asks for: true = the paper's augmentation, 'flips', or false = none. */
export type AugmentSetting = boolean | 'flips';

export function augmentationOf(setting: AugmentSetting): AugmentConfig | false {
  if (setting === 'flips') return FLIP_AUGMENTATION;
  return setting ? PAPER_AUGMENTATION : false;
}

/** The random choices for one image (exposed so tests can check their statistics). */
export interface AugmentDraw {
  /** Radians. */
  angle: number;
  /** Pixels, positive moves content down / right. */
  shiftY: number;
  shiftX: number;
  flipHorizontal: boolean;
  flipVertical: boolean;
  contrastFactor: number;
}

/** Draws in a fixed order (all five every time), so one image's draws never shift another's. */
export function drawAugmentation(
  rng: Rng,
  config: AugmentConfig,
  height: number,
  width: number,
): AugmentDraw {
  const angle = rng.uniform(-config.rotation, config.rotation) * 2 * Math.PI;
  const shiftY = rng.uniform(-config.translateHeight, config.translateHeight) * height;
  const shiftX = rng.uniform(-config.translateWidth, config.translateWidth) * width;
  const flipH = rng.next() < 0.5;
  const flipV = rng.next() < 0.5;
  const contrastFactor = rng.uniform(1 - config.contrast, 1 + config.contrast);
  return {
    angle: config.rotation > 0 ? angle : 0,
    shiftY: config.translateHeight > 0 ? shiftY : 0,
    shiftX: config.translateWidth > 0 ? shiftX : 0,
    flipHorizontal: (config.flip === 'horizontal' || config.flip === 'horizontal_and_vertical') && flipH,
    flipVertical: (config.flip === 'vertical' || config.flip === 'horizontal_and_vertical') && flipV,
    contrastFactor: config.contrast > 0 ? contrastFactor : 1,
  };
}

/**
 * Applies one draw. `image` (float32 HWC, [0, 255]) is consumed: the result may be `image` itself or
 * `scratch`, both of the same length.
 */
export function applyAugmentation(
  image: Float32Array,
  scratch: Float32Array,
  height: number,
  width: number,
  draw: AugmentDraw,
): Float32Array {
  let current = image;
  let spare = scratch;
  if (draw.angle !== 0) {
    projectiveTransform(current, spare, height, width, rotationMatrix(draw.angle, height, width));
    [current, spare] = [spare, current];
  }
  if (draw.shiftX !== 0 || draw.shiftY !== 0) {
    // Keras' get_translation_matrix: output (x, y) reads input (x - dx, y - dy).
    projectiveTransform(current, spare, height, width, [1, 0, -draw.shiftX, 0, 1, -draw.shiftY]);
    [current, spare] = [spare, current];
  }
  if (draw.flipHorizontal) flipHorizontal(current, height, width);
  if (draw.flipVertical) flipVertical(current, height, width);
  if (draw.contrastFactor !== 1) adjustContrast(current, height, width, draw.contrastFactor);
  return current;
}

/** Keras' get_rotation_matrix: rotation about the image centre, as an output → input map. */
export function rotationMatrix(angle: number, height: number, width: number): number[] {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const xOffset = (width - 1 - (cos * (width - 1) - sin * (height - 1))) / 2;
  const yOffset = (height - 1 - (sin * (width - 1) + cos * (height - 1))) / 2;
  return [cos, -sin, xOffset, sin, cos, yOffset];
}

/** TensorFlow's reflect rule for a coordinate outside [0, len - 1]: "d c b a | a b c d | d c b a". */
export function reflectCoordinate(coord: number, len: number): number {
  let c = coord;
  if (c < 0) {
    if (len <= 1) c = 0;
    else {
      const size2 = 2 * len;
      if (c < size2) c = size2 * Math.trunc(-c / size2) + c;
      c = c < -len ? c + size2 : -c - 1;
    }
  } else if (c > len - 1) {
    if (len <= 1) c = 0;
    else {
      const size2 = 2 * len;
      c -= size2 * Math.trunc(c / size2);
      if (c >= len) c = size2 - c - 1;
    }
  }
  return Math.min(Math.max(c, 0), len - 1);
}

/**
 * out(x, y) = bilinear(in, reflect(a0·x + a1·y + a2), reflect(b0·x + b1·y + b2)), per channel.
 * After reflection a coordinate lies in [0, len - 1]; where it equals len - 1 the far neighbour has
 * weight 0 (TensorFlow reads the fill value there), so clamping that index changes nothing.
 */
export function projectiveTransform(
  src: Float32Array,
  dst: Float32Array,
  height: number,
  width: number,
  m: readonly number[],
): void {
  const [a0, a1, a2, b0, b1, b2] = m;
  const row = width * 3;
  let o = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inX = reflectCoordinate(a0 * x + a1 * y + a2, width);
      const inY = reflectCoordinate(b0 * x + b1 * y + b2, height);
      const x0 = Math.floor(inX);
      const y0 = Math.floor(inY);
      const fx = inX - x0;
      const fy = inY - y0;
      const x1 = x0 + 1 < width ? x0 + 1 : x0;
      const y1 = y0 + 1 < height ? y0 + 1 : y0;
      const p00 = y0 * row + x0 * 3;
      const p01 = y0 * row + x1 * 3;
      const p10 = y1 * row + x0 * 3;
      const p11 = y1 * row + x1 * 3;
      for (let c = 0; c < 3; c++) {
        const top = (1 - fx) * src[p00 + c] + fx * src[p01 + c];
        const bottom = (1 - fx) * src[p10 + c] + fx * src[p11 + c];
        dst[o++] = (1 - fy) * top + fy * bottom;
      }
    }
  }
}

function flipHorizontal(image: Float32Array, height: number, width: number): void {
  for (let y = 0; y < height; y++) {
    const rowStart = y * width * 3;
    for (let x = 0; x < width >> 1; x++) {
      const a = rowStart + x * 3;
      const b = rowStart + (width - 1 - x) * 3;
      for (let c = 0; c < 3; c++) {
        const t = image[a + c];
        image[a + c] = image[b + c];
        image[b + c] = t;
      }
    }
  }
}

function flipVertical(image: Float32Array, height: number, width: number): void {
  const row = width * 3;
  const temp = new Float32Array(row);
  for (let y = 0; y < height >> 1; y++) {
    const a = image.subarray(y * row, (y + 1) * row);
    const b = image.subarray((height - 1 - y) * row, (height - y) * row);
    temp.set(a);
    a.set(b);
    b.set(temp);
  }
}

/**
 * tf.image.adjust_contrast per image: each channel moves away from (factor > 1) or towards its own
 * mean over the image, then Keras clips to [0, 255].
 */
export function adjustContrast(image: Float32Array, height: number, width: number, factor: number): void {
  const n = height * width;
  const mean = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) mean[c] += image[i * 3 + c];
  for (let c = 0; c < 3; c++) mean[c] /= n;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const v = (image[i * 3 + c] - mean[c]) * factor + mean[c];
      image[i * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
}

/**
 * Rescaling(1/127.5, offset=-1) of one HWC image written into slot `index` of a batch in `layout`.
 * `image` may be the uint8 decode (no augmentation) or the float32 augmented image.
 */
export function writeRescaled(
  image: Uint8Array | Float32Array,
  batch: Float32Array,
  index: number,
  height: number,
  width: number,
  layout: Layout,
): void {
  const plane = height * width;
  const base = index * plane * 3;
  if (layout === 'nhwc') {
    for (let i = 0; i < plane * 3; i++) batch[base + i] = image[i] / 127.5 - 1;
    return;
  }
  for (let i = 0; i < plane; i++) {
    batch[base + i] = image[i * 3] / 127.5 - 1;
    batch[base + plane + i] = image[i * 3 + 1] / 127.5 - 1;
    batch[base + 2 * plane + i] = image[i * 3 + 2] / 127.5 - 1;
  }
}
