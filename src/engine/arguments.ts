// Which numbers the engine accepts as shapes, dimensions, indices, sizes and limits. libtorch takes
// int64 for all of them and a JavaScript number is a double, so a value that is not an exact integer
// (NaN, ±Infinity, 2.7, beyond 2^53) would be narrowed silently — zeros([NaN]) made [0], select(0,
// NaN) element 0. Each is checked here, before the addon, and named in the error with its value.
// (The addon refuses such doubles too, as a last line; the rules live here.) Range checks that
// depend on the tensor (a dim beyond its rank, an index beyond its size) are libtorch's own.

function shown(value: unknown): string {
  return typeof value === 'number'
    ? String(value)
    : `${JSON.stringify(value) ?? String(value)} (${typeof value})`;
}

function refuse(name: string, rule: string, value: unknown): never {
  throw new RangeError(`${name} must be ${rule}, got ${shown(value)}`);
}

/** Any exact integer: dims (negative counts from the end), indices, offsets, padding. */
export function integer(value: number, name: string): number {
  if (!Number.isSafeInteger(value)) refuse(name, 'an integer', value);
  return value;
}

/** Sizes and counts: shape entries, lengths, seeds, byte limits. */
export function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) refuse(name, 'a non-negative integer', value);
  return value;
}

/** Steps, strides, kernels, groups, split sizes. */
export function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) refuse(name, 'a positive integer', value);
  return value;
}

function eachOf(values: number[], name: string, check: (value: number, name: string) => number): number[] {
  if (!Array.isArray(values))
    throw new TypeError(`${name} must be an array of integers, got ${shown(values)}`);
  values.forEach((value, i) => check(value, `${name}[${i}]`));
  return values;
}

/** A list of integers (dims, pads, permutations). */
export function integers(values: number[], name: string): number[] {
  return eachOf(values, name, integer);
}

/** A shape to create: every size a non-negative integer. */
export function shape(values: number[], name = 'shape'): number[] {
  return eachOf(values, name, nonNegativeInteger);
}

/** A shape for reshape/view/expand, where -1 stands for "inferred" or "kept". */
export function viewShape(values: number[], name = 'shape'): number[] {
  return eachOf(values, name, (value, entry) => (value === -1 ? value : nonNegativeInteger(value, entry)));
}

/** A [height, width] pair of positive integers given as one number or two. */
export function positivePair(value: number | [number, number], name: string): [number, number] {
  const pair: [number, number] = typeof value === 'number' ? [value, value] : value;
  eachOf(pair, name, positiveInteger);
  return pair;
}

export function optional<T>(
  value: T | undefined,
  check: (value: T, name: string) => T,
  name: string,
): T | undefined {
  return value === undefined ? undefined : check(value, name);
}
