// Reading one image file without hanging and saying plainly why it failed. Only a regular file is
// read (after following links): a FIFO named .jpg would block its reader forever, a device would never
// end. The file is opened non-blocking and checked on the open handle, so a file swapped for a FIFO
// after the folder was scanned is caught too. Reading and decoding together have a time limit, and
// the decoder's messages ("Warning treated as error due to failOn setting", "pngload: end of stream")
// become what is wrong with the file.
import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/** Generous for one image (decoding a 50-megapixel JPEG takes about a second), short for a hang. */
const DECODE_TIMEOUT_MS = 60_000;

/** No image of a data set is this large; a bigger file is likely not an image and would fill memory. */
const MAX_IMAGE_BYTES = 256 * 1024 * 1024;

/** The contents of `path`, or an error saying why it is not read. */
async function readImageFile(path: string): Promise<Buffer> {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it is ignored for regular files).
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)).catch(
    (error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new Error('file not found (deleted since the scan, or a broken link)');
      if (code === 'EACCES' || code === 'EPERM') throw new Error('permission denied: make it readable');
      throw error;
    },
  );
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`not a regular file but ${kindOf(info)}: only image files are read`);
    if (info.size > MAX_IMAGE_BYTES)
      throw new Error(`${info.size} bytes, larger than any image (limit ${MAX_IMAGE_BYTES / 2 ** 20} MiB)`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * Reads `path` and decodes its bytes with `decode`, within `timeoutMs`. Any failure is an Error whose
 * message says what is wrong with the file ("truncated JPEG", "not an image", "a FIFO").
 */
export async function readAndDecode<T>(
  path: string,
  decode: (bytes: Buffer) => Promise<T>,
  timeoutMs = DECODE_TIMEOUT_MS,
): Promise<T> {
  let bytes: Buffer | null = null;
  const work = async () => {
    bytes = await readImageFile(path);
    return await decode(bytes);
  };
  try {
    return await withinTime(work(), timeoutMs);
  } catch (error) {
    if (error instanceof TimeoutError || bytes === null) throw error;
    throw new Error(decodeFailureReason((error as Error).message, bytes), { cause: error });
  }
}

/** A file not read and decoded in time: maybe a passing stall, so not a verdict on the file. */
export class TimeoutError extends Error {}

/** `work`'s result, or a TimeoutError after `ms` (the work itself cannot be cancelled; it is abandoned). */
async function withinTime<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TimeoutError(`not read and decoded within ${ms / 1000} s (a hung file system?)`)),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'a special file';
}

/** The format a file's first bytes announce, or null if none that is read from folders. */
function formatOf(bytes: Buffer): string | null {
  const ascii = (start: number, end: number) => bytes.subarray(start, end).toString('latin1');
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'JPEG';
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'PNG';
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'GIF';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'WebP';
  if (ascii(0, 2) === 'BM') return 'BMP';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'TIFF';
  return null;
}

/** What is wrong with a file the decoder refused, from its first bytes and the decoder's message. */
function decodeFailureReason(message: string, bytes: Buffer): string {
  if (bytes.length === 0) return 'empty file (0 bytes)';
  const format = formatOf(bytes);
  if (format === null) return 'not an image: it starts with no JPEG, PNG, GIF, WebP, BMP or TIFF signature';
  if (/premature end|end of (stream|file|data)|unexpected end|truncated/i.test(message))
    return `truncated ${format}: the file ends before the image does (decoder: ${detail(message)})`;
  if (/failOn/i.test(message))
    return `damaged ${format}: the decoder warned about its data and it is not used`;
  return `corrupt ${format} data (decoder: ${detail(message)})`;
}

/** The decoder's own words without sharp's prefixes ("Input buffer has corrupt header: VipsJpeg: "). */
function detail(message: string): string {
  return message
    .replace(/^Input (buffer|file) has corrupt header:\s*/i, '')
    .replace(/^(VipsJpeg|pngload(_buffer)?|gifload(_buffer)?|webp|tiff2vips|bmpload):\s*/i, '');
}
