// Reading a safetensors header strictly, by the format's rules
// (https://github.com/huggingface/safetensors#format): a file that breaks any of them is refused with
// a SafetensorsError naming the file, the tensor and the rule, never loaded as something else. A
// header that is one byte off, or offsets that point into the header, would otherwise load garbage
// as weights and train silently on NaN.
import type { DType } from './dtype.js';
import { UserInputError } from '../util/errors.js';

/** A file that is not a valid safetensors file (or not one pareto-edge can load). */
export class SafetensorsError extends UserInputError {
  override name = 'SafetensorsError';
}

export const CODE_BY_DTYPE: Record<DType, string> = {
  float32: 'F32',
  float64: 'F64',
  float16: 'F16',
  bfloat16: 'BF16',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};
const DTYPE_BY_CODE = new Map(Object.entries(CODE_BY_DTYPE).map(([dtype, code]) => [code, dtype as DType]));
const BYTES_BY_DTYPE: Record<DType, number> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};
/** The reference implementation's limit: a larger header is refused before it is read. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA = '__metadata__';

export interface TensorEntry {
  name: string;
  dtype: DType;
  shape: number[];
  /** Byte range within the data region (which starts right after the header). */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** In file order; a Map, so no name (`__proto__` included) can reach an object's prototype. */
  tensors: Map<string, TensorEntry>;
  metadata: Map<string, string>;
  /** Byte offset of the data region in the file. */
  dataStart: number;
}

/** The header length the first 8 bytes declare, checked against the file's size. */
export function headerLength(first8: Buffer, fileSize: number, file: string): number {
  if (fileSize < 8) throw new SafetensorsError(`${file} is not a safetensors file: shorter than 8 bytes`);
  const length = first8.readBigUInt64LE(0);
  if (length > BigInt(Math.min(MAX_HEADER_BYTES, fileSize - 8))) {
    throw new SafetensorsError(
      `${file} is not a safetensors file (or is truncated): its header length ${length} exceeds the file's ${fileSize - 8} bytes after the length field`,
    );
  }
  return Number(length);
}

/** Validates the header bytes of a file of fileSize bytes; every rule broken is a SafetensorsError. */
export function parseHeader(headerBytes: Buffer, fileSize: number, file: string): SafetensorsHeader {
  const dataStart = 8 + headerBytes.length;
  const dataLength = fileSize - dataStart;
  const json = decodeUtf8(headerBytes, file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new SafetensorsError(
      `${file} is not a safetensors file: its header is not JSON (${(error as Error).message})`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new SafetensorsError(`${file} is not a safetensors file: its header is not a JSON object`);
  const duplicate = firstDuplicateKey(json);
  if (duplicate !== null)
    throw new SafetensorsError(`${file} is corrupt: its header names "${duplicate}" twice`);

  const tensors = new Map<string, TensorEntry>();
  let metadata = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === METADATA) metadata = parseMetadata(value, file);
    else tensors.set(name, parseEntry(name, value, dataLength, file));
  }
  checkCoverage([...tensors.values()], dataLength, file);
  return { tensors, metadata, dataStart };
}

function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new SafetensorsError(`${file} is corrupt: its header is not valid UTF-8`);
  }
}

function parseMetadata(value: unknown, file: string): Map<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SafetensorsError(`${file} is corrupt: ${METADATA} must be an object of strings`);
  const metadata = new Map<string, string>();
  for (const [key, text] of Object.entries(value)) {
    if (typeof text !== 'string')
      throw new SafetensorsError(`${file} is corrupt: ${METADATA}.${key} is ${describe(text)}, not a string`);
    metadata.set(key, text);
  }
  return metadata;
}

function parseEntry(name: string, value: unknown, dataLength: number, file: string): TensorEntry {
  const problem = (what: string) => new SafetensorsError(`${file} is corrupt: tensor "${name}" ${what}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw problem(`is ${describe(value)}, not an object of dtype, shape and data_offsets`);
  const { dtype: code, shape, data_offsets: offsets } = value as Record<string, unknown>;
  const dtype = typeof code === 'string' ? DTYPE_BY_CODE.get(code) : undefined;
  if (dtype === undefined) {
    throw problem(
      `has dtype ${describe(code)}, which pareto-edge cannot load (it reads ${[...DTYPE_BY_CODE.keys()].join(', ')})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isCount))
    throw problem(`has shape ${describe(shape)}: a shape is a list of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount))
    throw problem(`has data_offsets ${describe(offsets)}: they are two non-negative integers [begin, end]`);
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw problem(`has data_offsets [${begin}, ${end}] that end before they begin`);
  if (end > dataLength) {
    throw problem(
      `has data_offsets [${begin}, ${end}] past the data's ${dataLength} bytes (the file is truncated or its header length is wrong)`,
    );
  }
  const bytes = (shape as number[]).reduce((n, d) => n * BigInt(d), BigInt(BYTES_BY_DTYPE[dtype]));
  if (bytes !== BigInt(end - begin)) {
    throw problem(
      `holds ${end - begin} bytes but shape [${shape.join(', ')}] of ${code as string} needs ${bytes}`,
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** The format requires the tensors to cover the data region exactly: no gap, no overlap. */
function checkCoverage(entries: TensorEntry[], dataLength: number, file: string): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: TensorEntry | null = null;
  for (const entry of sorted) {
    if (entry.begin < covered) {
      throw new SafetensorsError(
        `${file} is corrupt: tensor "${entry.name}" (bytes ${entry.begin}-${entry.end}) overlaps tensor "${previous!.name}" (bytes ${previous!.begin}-${previous!.end})`,
      );
    }
    if (entry.begin > covered) {
      throw new SafetensorsError(
        `${file} is corrupt: no tensor holds data bytes ${covered}-${entry.begin} (before tensor "${entry.name}")`,
      );
    }
    covered = entry.end;
    previous = entry;
  }
  if (covered !== dataLength) {
    throw new SafetensorsError(
      `${file} is corrupt: its data region has ${dataLength} bytes but its tensors cover ${covered} (the file is truncated or padded, or its header length is wrong)`,
    );
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * The first object key that appears twice in the same object of a JSON text (JSON.parse keeps the
 * last silently), or null. The text must already parse: this only tracks strings and nesting.
 */
export function firstDuplicateKey(json: string): string | null {
  const stack: (Set<string> | null)[] = [];
  let expectingKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '{') {
      stack.push(new Set());
      expectingKey = true;
    } else if (c === '[') {
      stack.push(null);
      expectingKey = false;
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectingKey = false;
    } else if (c === ',') {
      expectingKey = stack[stack.length - 1] != null;
    } else if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      if (expectingKey) {
        const key = JSON.parse(json.slice(i, j + 1)) as string;
        const keys = stack[stack.length - 1]!;
        if (keys.has(key)) return key;
        keys.add(key);
        expectingKey = false;
      }
      i = j;
    }
  }
  return null;
}
