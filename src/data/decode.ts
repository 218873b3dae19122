// Decoding any image file sharp reads (JPEG, PNG, grayscale, CMYK, with or without alpha) into RGB
// uint8 pixels at the model's input size.
import sharp from 'sharp';
import { readAndDecode } from './image-file.js';
import type { AspectMode, ImageSize } from './types.js';

export interface DecodedImage {
  /** RGB, row-major, height × width × 3. */
  data: Uint8Array;
  height: number;
  width: number;
}

/**
 * Decodes and resizes one image. Grayscale is expanded and CMYK converted to sRGB; alpha is dropped
 * like Keras' decode_image(channels=3) does. EXIF orientation is ignored, also like Keras. A truncated
 * or corrupt file throws (sharp's default failOn: 'warning'), and the caller skips it. A path is read
 * by readAndDecode (image-file.ts): regular files only, in bounded time, failures saying what is wrong.
 *
 * The resize kernel is 'linear' — nearest to Keras' bilinear resize, but area-correct when shrinking.
 */
export async function decodeResized(
  input: string | Buffer,
  size: ImageSize,
  aspect: AspectMode = 'stretch',
): Promise<DecodedImage> {
  if (typeof input === 'string') return readAndDecode(input, (bytes) => decodeResized(bytes, size, aspect));
  const { data, info } = await sharp(input)
    .removeAlpha()
    .toColourspace('srgb')
    .resize(size.width, size.height, {
      fit: aspect === 'stretch' ? 'fill' : 'cover',
      position: 'centre',
      kernel: 'linear',
    })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    height: info.height,
    width: info.width,
  };
}
