// Named tensors in the safetensors format (https://github.com/huggingface/safetensors), so weights open
// in PyTorch (safetensors.torch.load_file) and Hugging Face tools: an 8-byte little-endian header
// length, a JSON header of dtype / shape / byte offsets, then the raw little-endian data.
// No maintained npm package implements the format, and it is a page of code.
import { open, readFile } from 'node:fs/promises';
import { native } from './native.js';
import { Tensor } from './tensor.js';
import { CODE_BY_DTYPE, headerLength, parseHeader, SafetensorsError } from './safetensors-header.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/** Writes tensors (atomically: temp file + rename) with optional string metadata. */
export async function saveSafetensors(
  path: string,
  tensors: Record<string, Tensor>,
  metadata: Record<string, string> = {},
): Promise<void> {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of Object.keys(tensors).sort()) {
    const t = tensors[name];
    const bytes = new Uint8Array(native.toBuffer(t.handle));
    header[name] = {
      dtype: CODE_BY_DTYPE[t.dtype],
      shape: t.shape,
      data_offsets: [offset, offset + bytes.length],
    };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference implementation does.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(headerBytes.length));
  await writeFileAtomic(path, [length, headerBytes, ...chunks], { durable: true });
}

export { SafetensorsError };

export interface SafetensorsFile {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/** Loads every tensor of a file after validating its header; a bad file is a SafetensorsError. */
export async function loadSafetensors(path: string): Promise<SafetensorsFile> {
  const file = await readFile(path);
  const length = headerLength(file, file.length, path);
  const header = parseHeader(file.subarray(8, 8 + length), file.length, path);
  const tensors = new Map<string, Tensor>();
  for (const [name, { dtype, shape, begin, end }] of header.tensors) {
    const bytes = file.subarray(header.dataStart + begin, header.dataStart + end);
    tensors.set(name, new Tensor(native.fromBuffer(bytes, shape, dtype)));
  }
  return { tensors: toRecord(tensors), metadata: toRecord(header.metadata) };
}

/** Only the header (the JSON object the file holds), validated, without reading the data. */
export async function readSafetensorsHeader(path: string): Promise<Record<string, unknown>> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const first8 = Buffer.alloc(8);
    await handle.read(first8, 0, 8, 0);
    const length = headerLength(first8, size, path);
    const json = Buffer.alloc(length);
    await handle.read(json, 0, length, 8);
    const header = parseHeader(json, size, path);
    const entries = new Map<string, unknown>();
    if (header.metadata.size > 0) entries.set('__metadata__', toRecord(header.metadata));
    for (const [name, { dtype, shape, begin, end }] of header.tensors)
      entries.set(name, { dtype: CODE_BY_DTYPE[dtype], shape, data_offsets: [begin, end] });
    return toRecord(entries);
  } finally {
    await handle.close();
  }
}

/** Object.fromEntries defines own properties: a key such as `__proto__` is stored, never interpreted. */
function toRecord<T>(map: Map<string, T>): Record<string, T> {
  return Object.fromEntries(map);
}
