// Making tensors: from JavaScript data, filled, ranges and seeded random numbers.
import { native, type GeneratorHandle } from './native.js';
import { Tensor } from './tensor.js';
import { naturalDtype, type DType, type TypedArray } from './dtype.js';
import { integer, nonNegativeInteger, shape as checkShape } from './arguments.js';

export interface CreateOptions {
  dtype?: DType;
  device?: string;
}

/** A seedable random generator, independent from the global one that manualSeed() sets. */
export class Generator {
  readonly handle: GeneratorHandle;
  constructor(readonly seed: number) {
    this.handle = native.newGenerator(nonNegativeInteger(seed, 'seed'));
  }
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

/**
 * A tensor holding a copy of data. Typed arrays keep their element type unless dtype asks for
 * another (e.g. an Int32Array of labels as int64); plain number arrays default to float32.
 */
export function tensor(
  data: TypedArray | number[] | boolean[],
  shape?: number[],
  options: CreateOptions = {},
): Tensor {
  const isBool = options.dtype === 'bool' || (Array.isArray(data) && typeof data[0] === 'boolean');
  const array = toTypedArray(data, isBool ? 'bool' : options.dtype);
  const natural = naturalDtype(array);
  const stored: DType = isBool && natural === 'uint8' ? 'bool' : natural;
  const dims = shape === undefined ? [array.length] : checkShape(shape);
  const created = new Tensor(native.fromBuffer(array, dims, stored));
  const wanted = options.dtype ?? stored;
  if (wanted === stored && options.device === undefined) return created;
  try {
    return created.to(wanted, options.device);
  } finally {
    created.dispose();
  }
}

function toTypedArray(data: TypedArray | number[] | boolean[], dtype: DType | undefined): TypedArray {
  if (!Array.isArray(data)) return data;
  if (dtype === 'bool' || typeof data[0] === 'boolean')
    return Uint8Array.from(data as boolean[], (v) => (v ? 1 : 0));
  const numbers = data as number[];
  if (dtype === 'int64') return BigInt64Array.from(numbers, (v) => BigInt(Math.trunc(v)));
  if (dtype === 'int32') return Int32Array.from(numbers);
  if (dtype === 'float64') return Float64Array.from(numbers);
  if (dtype === 'uint8') return Uint8Array.from(numbers);
  return Float32Array.from(numbers);
}

export function scalar(value: number, options: CreateOptions = {}): Tensor {
  return full([], value, options);
}

export function zeros(shape: number[], { dtype = 'float32', device }: CreateOptions = {}): Tensor {
  return new Tensor(native.zeros(checkShape(shape), dtype, device));
}

export function ones(shape: number[], { dtype = 'float32', device }: CreateOptions = {}): Tensor {
  return new Tensor(native.ones(checkShape(shape), dtype, device));
}

export function empty(shape: number[], { dtype = 'float32', device }: CreateOptions = {}): Tensor {
  return new Tensor(native.empty(checkShape(shape), dtype, device));
}

export function full(
  shape: number[],
  value: number,
  { dtype = 'float32', device }: CreateOptions = {},
): Tensor {
  return new Tensor(native.full(checkShape(shape), value, dtype, device));
}

export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape, { dtype: t.dtype, device: t.device });
}

export function onesLike(t: Tensor): Tensor {
  return ones(t.shape, { dtype: t.dtype, device: t.device });
}

export function arange(
  start: number,
  end: number,
  step = 1,
  { dtype = 'int64', device }: CreateOptions = {},
): Tensor {
  return new Tensor(native.arange(start, end, step, dtype, device));
}

export function linspace(
  start: number,
  end: number,
  steps: number,
  { dtype = 'float32', device }: CreateOptions = {},
): Tensor {
  return new Tensor(native.linspace(start, end, nonNegativeInteger(steps, 'steps'), dtype, device));
}

export function eye(n: number, { dtype = 'float32', device }: CreateOptions = {}): Tensor {
  return new Tensor(native.eye(nonNegativeInteger(n, 'n'), dtype, device));
}

/** Uniform in [0, 1). */
export function rand(shape: number[], { dtype = 'float32', device, generator }: RandomOptions = {}): Tensor {
  return new Tensor(native.rand(checkShape(shape), dtype, device, generator?.handle));
}

/** Standard normal. */
export function randn(shape: number[], { dtype = 'float32', device, generator }: RandomOptions = {}): Tensor {
  return new Tensor(native.randn(checkShape(shape), dtype, device, generator?.handle));
}

/** Integers in [low, high). */
export function randint(
  low: number,
  high: number,
  shape: number[],
  { dtype = 'int64', device, generator }: RandomOptions = {},
): Tensor {
  return new Tensor(
    native.randint(
      integer(low, 'low'),
      integer(high, 'high'),
      checkShape(shape),
      dtype,
      device,
      generator?.handle,
    ),
  );
}

export function randperm(n: number, { dtype = 'int64', device, generator }: RandomOptions = {}): Tensor {
  return new Tensor(native.randperm(nonNegativeInteger(n, 'n'), dtype, device, generator?.handle));
}

/** Fills t in place from U(from, to) — for weight initialisers. */
export function uniform_(t: Tensor, from: number, to: number, generator?: Generator): Tensor {
  native.uniform_(t.handle, from, to, generator?.handle);
  return t;
}

/** Fills t in place from N(mean, std²) — for weight initialisers. */
export function normal_(t: Tensor, mean: number, std: number, generator?: Generator): Tensor {
  native.normal_(t.handle, mean, std, generator?.handle);
  return t;
}

export function cat(tensors: Tensor[], dim = 0): Tensor {
  return new Tensor(
    native.cat(
      tensors.map((t) => t.handle),
      integer(dim, 'dim'),
    ),
  );
}

export function stack(tensors: Tensor[], dim = 0): Tensor {
  return new Tensor(
    native.stack(
      tensors.map((t) => t.handle),
      integer(dim, 'dim'),
    ),
  );
}

export function where(condition: Tensor, x: Tensor, y: Tensor): Tensor {
  return new Tensor(native.where(condition.handle, x.handle, y.handle));
}
