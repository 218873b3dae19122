// Perceptual hashes over sharp-decoded grey pixels, for finding near-duplicate images.
//   pHash: the signs of the 8×8 lowest frequencies of a 32×32 DCT, relative to their median.
//   dHash: whether each pixel of a 9×8 thumbnail is brighter than its right neighbour.
// A 64-bit hash is kept as two uint32 halves. Augmented copies are often flipped or turned by 90°;
// the pHash of all 8 such variants comes from one DCT: flipping x negates odd x-frequencies,
// flipping y negates odd y-frequencies, and a transpose swaps the two axes.
import sharp from 'sharp';
import { readAndDecode } from '../image-file.js';

export interface Hash64 {
  hi: number;
  lo: number;
}

const N = 32;
const COS = (() => {
  const table = new Float64Array(N * N);
  for (let k = 0; k < N; k++)
    for (let n = 0; n < N; n++) table[k * N + n] = Math.cos((Math.PI / N) * (n + 0.5) * k);
  return table;
})();

/** The 8×8 lowest DCT-II coefficients of a 32×32 grey image, [v][u] (v: vertical frequency). */
export function lowDct(grey: Uint8Array | Float64Array): Float64Array {
  const rows = new Float64Array(N * 8);
  for (let y = 0; y < N; y++) {
    for (let u = 0; u < 8; u++) {
      let sum = 0;
      for (let x = 0; x < N; x++) sum += grey[y * N + x] * COS[u * N + x];
      rows[y * 8 + u] = sum;
    }
  }
  const out = new Float64Array(64);
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      let sum = 0;
      for (let y = 0; y < N; y++) sum += rows[y * 8 + u] * COS[v * N + y];
      out[v * 8 + u] = sum;
    }
  }
  return out;
}

function bitsAboveMedian(coefficients: Float64Array): Hash64 {
  const rest = Array.from(coefficients.subarray(1)).sort((a, b) => a - b);
  const median = (rest[31] + rest[32]) / 2;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 64; i++) {
    if (coefficients[i] > median) {
      if (i < 32) lo |= 1 << i;
      else hi |= 1 << (i - 32);
    }
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

export const DIHEDRAL_NAMES = [
  'same',
  'flipped left-right',
  'flipped up-down',
  'rotated 180°',
  'transposed',
  'rotated 90°',
  'rotated 270°',
  'anti-transposed',
] as const;

/** pHash of the image and of its 7 flips/rotations, in DIHEDRAL_NAMES order. */
export function pHashVariants(dct: Float64Array): Hash64[] {
  const variants: Hash64[] = [];
  for (const transpose of [false, true]) {
    for (const [flipX, flipY] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const c = new Float64Array(64);
      for (let v = 0; v < 8; v++) {
        for (let u = 0; u < 8; u++) {
          const sign = (flipX && u % 2 === 1 ? -1 : 1) * (flipY && v % 2 === 1 ? -1 : 1);
          c[transpose ? u * 8 + v : v * 8 + u] = sign * dct[v * 8 + u];
        }
      }
      variants.push(bitsAboveMedian(c));
    }
  }
  return variants;
}

function dHash(grey9x8: Uint8Array): Hash64 {
  let hi = 0;
  let lo = 0;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const bit = y * 8 + x;
      if (grey9x8[y * 9 + x] > grey9x8[y * 9 + x + 1]) {
        if (bit < 32) lo |= 1 << bit;
        else hi |= 1 << (bit - 32);
      }
    }
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export function hamming(a: Hash64, b: Hash64): number {
  return popcount(a.hi ^ b.hi) + popcount(a.lo ^ b.lo);
}

export interface ImageFingerprint {
  width: number;
  height: number;
  format: string;
  /** pHash variants (index 0: the image as it is). */
  pHash: Hash64[];
  dHash: Hash64;
}

/** Area-average shrink of the 32×32 thumbnail to 9×8 for the dHash (saves a second decode). */
function shrinkTo9x8(grey: Uint8Array): Uint8Array {
  const out = new Uint8Array(72);
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 9; x++) {
      const x0 = (x * N) / 9;
      const x1 = ((x + 1) * N) / 9;
      const y0 = y * 4;
      let sum = 0;
      let weight = 0;
      for (let yy = y0; yy < y0 + 4; yy++) {
        for (let xx = Math.floor(x0); xx < Math.ceil(x1); xx++) {
          const w = Math.min(xx + 1, x1) - Math.max(xx, x0);
          sum += w * grey[yy * N + xx];
          weight += w;
        }
      }
      out[y * 9 + x] = Math.round(sum / weight);
    }
  }
  return out;
}

/** One decode gives the metadata and both hashes. Throws on unreadable or truncated files. */
export async function fingerprint(input: Buffer | string): Promise<ImageFingerprint> {
  if (typeof input === 'string') return readAndDecode(input, fingerprint);
  const image = sharp(input);
  const meta = await image.metadata();
  const { data, info } = await image
    .removeAlpha()
    .greyscale()
    .resize(N, N, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected 1 grey channel, got ${info.channels}`);
  const grey = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return {
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    format: meta.format ?? 'unknown',
    pHash: pHashVariants(lowDct(grey)),
    dHash: dHash(shrinkTo9x8(grey)),
  };
}
