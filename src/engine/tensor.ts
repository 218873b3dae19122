// The Tensor: a thin, typed face over a libtorch tensor handle. Each method is one native call;
// results are new tensors registered with the current tidy() scope.
import { native, type Handle, type Scalar } from './native.js';
import { registerTensor, releaseTensor } from './lifetime.js';
import { typedArrayFor, type DType, type TypedArray } from './dtype.js';
import { integer, integers, nonNegativeInteger, optional, positiveInteger, viewShape } from './arguments.js';

export type MemoryFormat = 'contiguous' | 'channels_last';
type Operand = Tensor | number;

function operand(value: Operand): Handle | Scalar {
  return typeof value === 'number' ? nativeScalar(value) : value.handle;
}

/**
 * A JavaScript number as the scalar PyTorch would see for the Python literal. PyTorch promotes a
 * Python int and a Python float differently (int64 tensor + 1 stays int64, + 0.5 becomes float32;
 * a float tensor keeps its dtype with either; a bool tensor becomes int64 or float32). JavaScript has
 * one number type, so an integer-valued number goes as an int64 scalar and any other as a double.
 * `2.0` is `2` in JavaScript: to get a float result from an integer tensor, convert it with to() first.
 * Integers beyond 2^53 are not exact in JavaScript and go as doubles.
 */
function nativeScalar(value: number): Scalar {
  return Number.isSafeInteger(value) ? BigInt(value) : value;
}

function optionalNativeScalar(value: number | undefined): Scalar | undefined {
  return value === undefined ? undefined : nativeScalar(value);
}

export class Tensor {
  #handle: Handle | undefined;
  #shape: number[] | undefined;

  constructor(handle: Handle) {
    this.#handle = handle;
    registerTensor(this, handle);
  }

  /** The native handle; throws a clear error once the tensor is disposed. */
  get handle(): Handle {
    if (this.#handle === undefined) {
      throw new Error(
        'Tensor was disposed and cannot be used again; keep() it or clone() it before its scope ends',
      );
    }
    return this.#handle;
  }

  get isDisposed(): boolean {
    return this.#handle === undefined;
  }

  dispose(): void {
    if (this.#handle === undefined) return;
    releaseTensor(this, this.#handle);
    this.#handle = undefined;
  }

  // ---- metadata
  get shape(): number[] {
    this.#shape ??= native.shape(this.handle);
    return this.#shape.slice();
  }
  get rank(): number {
    return this.shape.length;
  }
  get dtype(): DType {
    return native.dtype(this.handle) as DType;
  }
  get device(): string {
    return native.device(this.handle);
  }
  get numel(): number {
    return native.numel(this.handle);
  }
  /** Bytes of this tensor's elements (not of a storage it may share). */
  get nbytes(): number {
    return native.nbytes(this.handle);
  }
  get strides(): number[] {
    return native.strides(this.handle);
  }
  isContiguous(format: MemoryFormat = 'contiguous'): boolean {
    return native.isContiguous(this.handle, format);
  }

  // ---- data out
  /** A copy of the elements in row-major order, in the typed array matching the dtype. */
  data(): TypedArray {
    return typedArrayFor(this.dtype, native.toBuffer(this.handle));
  }
  /** The elements as plain numbers (int64 converted, which is exact below 2^53). */
  toArray(): number[] {
    const values = this.data();
    return values instanceof BigInt64Array ? Array.from(values, Number) : Array.from(values);
  }
  toFloat32Array(): Float32Array {
    if (this.dtype === 'float32') return this.data() as Float32Array;
    const asFloat = this.to('float32');
    try {
      return asFloat.data() as Float32Array;
    } finally {
      asFloat.dispose();
    }
  }
  item(): number {
    return Number(native.item(this.handle));
  }

  // ---- conversion and copies
  to(dtype?: DType, device?: string): Tensor {
    return new Tensor(native.to(this.handle, dtype, device));
  }
  clone(): Tensor {
    return new Tensor(native.clone(this.handle));
  }
  contiguous(format: MemoryFormat = 'contiguous'): Tensor {
    return new Tensor(native.contiguous(this.handle, format));
  }

  // ---- elementwise
  add(other: Operand): Tensor {
    return new Tensor(native.add(this.handle, operand(other)));
  }
  sub(other: Operand): Tensor {
    return new Tensor(native.sub(this.handle, operand(other)));
  }
  mul(other: Operand): Tensor {
    return new Tensor(native.mul(this.handle, operand(other)));
  }
  div(other: Operand): Tensor {
    return new Tensor(native.div(this.handle, operand(other)));
  }
  pow(other: Operand): Tensor {
    return new Tensor(native.pow(this.handle, operand(other)));
  }
  remainder(other: Operand): Tensor {
    return new Tensor(native.remainder(this.handle, operand(other)));
  }
  maximum(other: Operand): Tensor {
    return new Tensor(native.maximum(this.handle, operand(other)));
  }
  minimum(other: Operand): Tensor {
    return new Tensor(native.minimum(this.handle, operand(other)));
  }
  eq(other: Operand): Tensor {
    return new Tensor(native.eq(this.handle, operand(other)));
  }
  ne(other: Operand): Tensor {
    return new Tensor(native.ne(this.handle, operand(other)));
  }
  lt(other: Operand): Tensor {
    return new Tensor(native.lt(this.handle, operand(other)));
  }
  le(other: Operand): Tensor {
    return new Tensor(native.le(this.handle, operand(other)));
  }
  gt(other: Operand): Tensor {
    return new Tensor(native.gt(this.handle, operand(other)));
  }
  ge(other: Operand): Tensor {
    return new Tensor(native.ge(this.handle, operand(other)));
  }
  logicalAnd(other: Operand): Tensor {
    return new Tensor(native.logicalAnd(this.handle, operand(other)));
  }
  logicalOr(other: Operand): Tensor {
    return new Tensor(native.logicalOr(this.handle, operand(other)));
  }
  logicalNot(): Tensor {
    return new Tensor(native.logicalNot(this.handle));
  }
  neg(): Tensor {
    return new Tensor(native.neg(this.handle));
  }
  abs(): Tensor {
    return new Tensor(native.abs(this.handle));
  }
  exp(): Tensor {
    return new Tensor(native.exp(this.handle));
  }
  log(): Tensor {
    return new Tensor(native.log(this.handle));
  }
  sqrt(): Tensor {
    return new Tensor(native.sqrt(this.handle));
  }
  rsqrt(): Tensor {
    return new Tensor(native.rsqrt(this.handle));
  }
  square(): Tensor {
    return new Tensor(native.square(this.handle));
  }
  sign(): Tensor {
    return new Tensor(native.sign(this.handle));
  }
  floor(): Tensor {
    return new Tensor(native.floor(this.handle));
  }
  ceil(): Tensor {
    return new Tensor(native.ceil(this.handle));
  }
  round(): Tensor {
    return new Tensor(native.round(this.handle));
  }
  tanh(): Tensor {
    return new Tensor(native.tanh(this.handle));
  }
  sin(): Tensor {
    return new Tensor(native.sin(this.handle));
  }
  cos(): Tensor {
    return new Tensor(native.cos(this.handle));
  }
  isnan(): Tensor {
    return new Tensor(native.isnan(this.handle));
  }
  isfinite(): Tensor {
    return new Tensor(native.isfinite(this.handle));
  }
  clamp(min?: number, max?: number): Tensor {
    return new Tensor(native.clamp(this.handle, optionalNativeScalar(min), optionalNativeScalar(max)));
  }
  matmul(other: Tensor): Tensor {
    return new Tensor(native.matmul(this.handle, other.handle));
  }
  allclose(other: Tensor, rtol = 1e-5, atol = 1e-8): boolean {
    return native.allclose(this.handle, other.handle, rtol, atol);
  }

  // ---- reductions (no dims: over every element)
  sum(dims?: number | number[], keepdim = false): Tensor {
    return new Tensor(native.sum(this.handle, dimList(dims), keepdim));
  }
  mean(dims?: number | number[], keepdim = false): Tensor {
    return new Tensor(native.mean(this.handle, dimList(dims), keepdim));
  }
  max(dims?: number | number[], keepdim = false): Tensor {
    return new Tensor(native.amax(this.handle, dimList(dims), keepdim));
  }
  min(dims?: number | number[], keepdim = false): Tensor {
    return new Tensor(native.amin(this.handle, dimList(dims), keepdim));
  }
  prod(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.prod(this.handle, dimList(dim), keepdim));
  }
  variance(dims?: number | number[], { keepdim = false, unbiased = true } = {}): Tensor {
    return new Tensor(native.variance(this.handle, dimList(dims), keepdim, unbiased));
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.argmax(this.handle, optional(dim, integer, 'dim'), keepdim));
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.argmin(this.handle, optional(dim, integer, 'dim'), keepdim));
  }
  topk(k: number, { dim = -1, largest = true, sorted = true } = {}): { values: Tensor; indices: Tensor } {
    const [values, indices] = native.topk(
      this.handle,
      nonNegativeInteger(k, 'k'),
      integer(dim, 'dim'),
      largest,
      sorted,
    );
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }

  // ---- shape
  reshape(shape: number[]): Tensor {
    return new Tensor(native.reshape(this.handle, viewShape(shape)));
  }
  view(shape: number[]): Tensor {
    return new Tensor(native.view(this.handle, viewShape(shape)));
  }
  permute(dims: number[]): Tensor {
    return new Tensor(native.permute(this.handle, integers(dims, 'dims')));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return new Tensor(native.transpose(this.handle, integer(dim0, 'dim0'), integer(dim1, 'dim1')));
  }
  squeeze(dim?: number): Tensor {
    return new Tensor(native.squeeze(this.handle, optional(dim, integer, 'dim')));
  }
  unsqueeze(dim: number): Tensor {
    return new Tensor(native.unsqueeze(this.handle, integer(dim, 'dim')));
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return new Tensor(native.flatten(this.handle, integer(startDim, 'startDim'), integer(endDim, 'endDim')));
  }
  expand(shape: number[]): Tensor {
    return new Tensor(native.expand(this.handle, viewShape(shape)));
  }
  /** Elements start..end (exclusive) with a step along one dimension, as a view. */
  slice(dim: number, start?: number, end?: number, step = 1): Tensor {
    return new Tensor(
      native.slice(
        this.handle,
        integer(dim, 'dim'),
        optional(start, integer, 'start'),
        optional(end, integer, 'end'),
        positiveInteger(step, 'step'),
      ),
    );
  }
  select(dim: number, index: number): Tensor {
    return new Tensor(native.select(this.handle, integer(dim, 'dim'), integer(index, 'index')));
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return new Tensor(native.indexSelect(this.handle, integer(dim, 'dim'), index.handle));
  }
  gather(dim: number, index: Tensor): Tensor {
    return new Tensor(native.gather(this.handle, integer(dim, 'dim'), index.handle));
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return new Tensor(
      native.narrow(
        this.handle,
        integer(dim, 'dim'),
        integer(start, 'start'),
        nonNegativeInteger(length, 'length'),
      ),
    );
  }
  split(size: number, dim = 0): Tensor[] {
    return native
      .split(this.handle, positiveInteger(size, 'size'), integer(dim, 'dim'))
      .map((h) => new Tensor(h));
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return native
      .chunk(this.handle, positiveInteger(chunks, 'chunks'), integer(dim, 'dim'))
      .map((h) => new Tensor(h));
  }
  flip(dims: number[]): Tensor {
    return new Tensor(native.flip(this.handle, integers(dims, 'dims')));
  }
  repeat(repeats: number[]): Tensor {
    return new Tensor(native.repeat(this.handle, integers(repeats, 'repeats')));
  }

  // ---- in place (the optimizers' vocabulary); each returns this
  add_(other: Operand, alpha = 1): this {
    native.add_(this.handle, operand(other), nativeScalar(alpha));
    return this;
  }
  mul_(other: Operand): this {
    native.mul_(this.handle, operand(other));
    return this;
  }
  div_(other: Operand): this {
    native.div_(this.handle, operand(other));
    return this;
  }
  addcmul_(t1: Tensor, t2: Tensor, value = 1): this {
    native.addcmul_(this.handle, t1.handle, t2.handle, nativeScalar(value));
    return this;
  }
  addcdiv_(t1: Tensor, t2: Tensor, value = 1): this {
    native.addcdiv_(this.handle, t1.handle, t2.handle, nativeScalar(value));
    return this;
  }
  lerp_(end: Tensor, weight: number): this {
    native.lerp_(this.handle, end.handle, nativeScalar(weight));
    return this;
  }
  sqrt_(): this {
    native.sqrt_(this.handle);
    return this;
  }
  copy_(source: Tensor): this {
    native.copy_(this.handle, source.handle);
    return this;
  }
  zero_(): this {
    native.zero_(this.handle);
    return this;
  }
  fill_(value: number): this {
    native.fill_(this.handle, nativeScalar(value));
    return this;
  }
  clampMin_(min: number): this {
    native.clampMin_(this.handle, nativeScalar(min));
    return this;
  }

  // ---- autograd
  get requiresGrad(): boolean {
    return native.requiresGrad(this.handle);
  }
  set requiresGrad(value: boolean) {
    native.setRequiresGrad(this.handle, value);
  }
  requiresGrad_(value = true): this {
    native.setRequiresGrad(this.handle, value);
    return this;
  }
  get isLeaf(): boolean {
    return native.isLeaf(this.handle);
  }
  /** The accumulated gradient (a new handle sharing its storage), or null before backward(). */
  get grad(): Tensor | null {
    const g = native.grad(this.handle);
    return g === null ? null : new Tensor(g);
  }
  /** Assigns (or, with null, drops) the gradient, which must match this tensor's shape and dtype. */
  set grad(value: Tensor | null) {
    if (value !== null) checkGradient(this, value);
    native.setGrad(this.handle, value?.handle);
  }
  backward(gradient?: Tensor, { retainGraph = false } = {}): void {
    native.backward(this.handle, gradient?.handle, retainGraph);
  }
  detach(): Tensor {
    return new Tensor(native.detach(this.handle));
  }

  toString(): string {
    if (this.isDisposed) return 'Tensor(disposed)';
    return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}, device=${this.device})`;
  }
}

function dimList(dims: number | number[] | undefined): number[] | undefined {
  if (dims === undefined) return undefined;
  return typeof dims === 'number' ? [integer(dims, 'dim')] : integers(dims, 'dims');
}

/**
 * libtorch stores any tensor as a gradient (PyTorch checks in its Python layer): a mismatched one
 * would be broadcast by the optimizer's in-place update, or fail there, far from the mistake.
 */
function checkGradient(t: Tensor, gradient: Tensor): void {
  const [shape, gradientShape] = [t.shape, gradient.shape];
  if (shape.length !== gradientShape.length || shape.some((size, i) => size !== gradientShape[i])) {
    throw new RangeError(
      `cannot assign a gradient of shape [${gradientShape.join(', ')}] for a tensor of shape [${shape.join(', ')}]`,
    );
  }
  if (gradient.dtype !== t.dtype || gradient.device !== t.device) {
    throw new TypeError(
      `cannot assign a gradient of dtype ${gradient.dtype} on ${gradient.device} for a tensor of dtype ${t.dtype} on ${t.device}`,
    );
  }
}
