// Loads the libtorch addon (native/) and describes its functions. The addon only marshals: every
// policy (padding rules, optimizers, scopes) lives in the TypeScript around it.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { chooseWaitPolicy } from './wait-policy.js';

/** An opaque reference to a libtorch tensor owned by the addon. */
export type Handle = { readonly __brand: 'TensorHandle' };
/** An opaque reference to a libtorch random generator. */
export type GeneratorHandle = { readonly __brand: 'GeneratorHandle' };

type Maybe<T> = T | undefined | null;
/** A scalar as libtorch sees it: a bigint is an int64 scalar, a number a double scalar. */
export type Scalar = number | bigint;
type Operand = Handle | Scalar | boolean;
type Ints = number[];

export interface TensorMemoryStats {
  /** Bytes held by live CPU tensors now. */
  currentBytes: number;
  /** The most held at once since start or the last resetPeakMemory(). */
  peakBytes: number;
  liveAllocations: number;
  totalAllocations: number;
  /** Freed blocks kept for reuse (not live, but resident), like torch.cuda.memory_reserved − allocated. */
  cachedBytes: number;
  cacheLimitBytes: number;
  cacheHits: number;
}

export interface NativeAddon {
  // runtime
  setNumThreads(threads: number): void;
  getNumThreads(): number;
  buildConfig(): string;
  parallelInfo(): string;
  version(): string;
  manualSeed(seed: number): void;
  getRngState(): Handle;
  setRngState(state: Handle): void;
  newGenerator(seed: number): GeneratorHandle;
  memoryStats(): TensorMemoryStats;
  resetPeakMemory(): void;
  setCacheLimit(bytes: number): void;
  emptyCache(): void;
  // creation and data
  fromBuffer(data: ArrayBufferView, shape: Ints, dtype: string): Handle;
  toBuffer(t: Handle): ArrayBuffer;
  dispose(t: Handle): void;
  isDisposed(t: Handle): boolean;
  shape(t: Handle): Ints;
  strides(t: Handle): Ints;
  dtype(t: Handle): string;
  device(t: Handle): string;
  numel(t: Handle): number;
  nbytes(t: Handle): number;
  isContiguous(t: Handle, format?: string): boolean;
  item(t: Handle): number | boolean;
  to(t: Handle, dtype: Maybe<string>, device: Maybe<string>): Handle;
  zeros(shape: Ints, dtype?: string, device?: string): Handle;
  ones(shape: Ints, dtype?: string, device?: string): Handle;
  empty(shape: Ints, dtype?: string, device?: string): Handle;
  full(shape: Ints, value: number, dtype?: string, device?: string): Handle;
  arange(start: number, end: number, step: number, dtype?: string, device?: string): Handle;
  linspace(start: number, end: number, steps: number, dtype?: string, device?: string): Handle;
  eye(n: number, dtype?: string, device?: string): Handle;
  rand(shape: Ints, dtype: Maybe<string>, device: Maybe<string>, generator: Maybe<GeneratorHandle>): Handle;
  randn(shape: Ints, dtype: Maybe<string>, device: Maybe<string>, generator: Maybe<GeneratorHandle>): Handle;
  randint(
    low: number,
    high: number,
    shape: Ints,
    dtype: Maybe<string>,
    device: Maybe<string>,
    generator: Maybe<GeneratorHandle>,
  ): Handle;
  randperm(n: number, dtype: Maybe<string>, device: Maybe<string>, generator: Maybe<GeneratorHandle>): Handle;
  uniform_(t: Handle, from: number, to: number, generator: Maybe<GeneratorHandle>): void;
  normal_(t: Handle, mean: number, std: number, generator: Maybe<GeneratorHandle>): void;
  // math
  add(a: Handle, b: Operand): Handle;
  sub(a: Handle, b: Operand): Handle;
  mul(a: Handle, b: Operand): Handle;
  div(a: Handle, b: Operand): Handle;
  pow(a: Handle, b: Operand): Handle;
  remainder(a: Handle, b: Operand): Handle;
  maximum(a: Handle, b: Operand): Handle;
  minimum(a: Handle, b: Operand): Handle;
  eq(a: Handle, b: Operand): Handle;
  ne(a: Handle, b: Operand): Handle;
  lt(a: Handle, b: Operand): Handle;
  le(a: Handle, b: Operand): Handle;
  gt(a: Handle, b: Operand): Handle;
  ge(a: Handle, b: Operand): Handle;
  logicalAnd(a: Handle, b: Operand): Handle;
  logicalOr(a: Handle, b: Operand): Handle;
  neg(a: Handle): Handle;
  abs(a: Handle): Handle;
  exp(a: Handle): Handle;
  log(a: Handle): Handle;
  sqrt(a: Handle): Handle;
  rsqrt(a: Handle): Handle;
  square(a: Handle): Handle;
  sign(a: Handle): Handle;
  floor(a: Handle): Handle;
  ceil(a: Handle): Handle;
  round(a: Handle): Handle;
  tanh(a: Handle): Handle;
  sin(a: Handle): Handle;
  cos(a: Handle): Handle;
  logicalNot(a: Handle): Handle;
  isnan(a: Handle): Handle;
  isfinite(a: Handle): Handle;
  clone(a: Handle): Handle;
  clamp(a: Handle, min: Maybe<Scalar>, max: Maybe<Scalar>): Handle;
  where(condition: Handle, x: Handle, y: Handle): Handle;
  matmul(a: Handle, b: Handle): Handle;
  allclose(a: Handle, b: Handle, rtol: number, atol: number): boolean;
  sum(a: Handle, dims?: Maybe<Ints>, keepdim?: boolean): Handle;
  mean(a: Handle, dims?: Maybe<Ints>, keepdim?: boolean): Handle;
  amax(a: Handle, dims?: Maybe<Ints>, keepdim?: boolean): Handle;
  amin(a: Handle, dims?: Maybe<Ints>, keepdim?: boolean): Handle;
  prod(a: Handle, dims?: Maybe<Ints>, keepdim?: boolean): Handle;
  variance(a: Handle, dims: Maybe<Ints>, keepdim: boolean, unbiased: boolean): Handle;
  argmax(a: Handle, dim?: Maybe<number>, keepdim?: boolean): Handle;
  argmin(a: Handle, dim?: Maybe<number>, keepdim?: boolean): Handle;
  topk(a: Handle, k: number, dim: number, largest: boolean, sorted: boolean): [Handle, Handle];
  add_(a: Handle, b: Operand, alpha?: Scalar): void;
  mul_(a: Handle, b: Operand): void;
  div_(a: Handle, b: Operand): void;
  addcmul_(a: Handle, t1: Handle, t2: Handle, value: Scalar): void;
  addcdiv_(a: Handle, t1: Handle, t2: Handle, value: Scalar): void;
  lerp_(a: Handle, end: Handle, weight: Scalar): void;
  sqrt_(a: Handle): void;
  copy_(a: Handle, source: Handle): void;
  zero_(a: Handle): void;
  fill_(a: Handle, value: Scalar): void;
  clampMin_(a: Handle, min: Scalar): void;
  // shape
  reshape(a: Handle, shape: Ints): Handle;
  view(a: Handle, shape: Ints): Handle;
  permute(a: Handle, dims: Ints): Handle;
  transpose(a: Handle, dim0: number, dim1: number): Handle;
  squeeze(a: Handle, dim?: number): Handle;
  unsqueeze(a: Handle, dim: number): Handle;
  flatten(a: Handle, startDim: number, endDim: number): Handle;
  expand(a: Handle, shape: Ints): Handle;
  contiguous(a: Handle, format?: string): Handle;
  slice(a: Handle, dim: number, start: Maybe<number>, end: Maybe<number>, step: number): Handle;
  select(a: Handle, dim: number, index: number): Handle;
  indexSelect(a: Handle, dim: number, index: Handle): Handle;
  gather(a: Handle, dim: number, index: Handle): Handle;
  narrow(a: Handle, dim: number, start: number, length: number): Handle;
  cat(tensors: Handle[], dim: number): Handle;
  stack(tensors: Handle[], dim: number): Handle;
  split(a: Handle, size: number, dim: number): Handle[];
  chunk(a: Handle, chunks: number, dim: number): Handle[];
  pad(a: Handle, pads: Ints, value: number): Handle;
  reflectionPad2d(a: Handle, pads: Ints): Handle;
  flip(a: Handle, dims: Ints): Handle;
  repeat(a: Handle, repeats: Ints): Handle;
  oneHot(a: Handle, classes: number): Handle;
  // neural network
  conv2d(
    x: Handle,
    w: Handle,
    b: Maybe<Handle>,
    stride: Ints,
    padding: Ints,
    dilation: Ints,
    groups: number,
  ): Handle;
  linear(x: Handle, w: Handle, b: Maybe<Handle>): Handle;
  batchNorm(
    x: Handle,
    weight: Maybe<Handle>,
    bias: Maybe<Handle>,
    runningMean: Maybe<Handle>,
    runningVar: Maybe<Handle>,
    training: boolean,
    momentum: number,
    eps: number,
  ): Handle;
  relu(a: Handle): Handle;
  relu6(a: Handle): Handle;
  silu(a: Handle): Handle;
  sigmoid(a: Handle): Handle;
  maxPool2d(x: Handle, kernel: Ints, stride: Ints, padding: Ints, dilation: Ints, ceilMode: boolean): Handle;
  avgPool2d(
    x: Handle,
    kernel: Ints,
    stride: Ints,
    padding: Ints,
    ceilMode: boolean,
    countIncludePad: boolean,
  ): Handle;
  adaptiveAvgPool2d(x: Handle, outputSize: Ints): Handle;
  dropout(x: Handle, p: number, training: boolean): Handle;
  softmax(x: Handle, dim: number): Handle;
  logSoftmax(x: Handle, dim: number): Handle;
  crossEntropy(logits: Handle, targets: Handle, reduction: string, labelSmoothing: number): Handle;
  binaryCrossEntropyWithLogits(logits: Handle, targets: Handle, reduction: string): Handle;
  // autograd
  requiresGrad(t: Handle): boolean;
  setRequiresGrad(t: Handle, value: boolean): void;
  isLeaf(t: Handle): boolean;
  grad(t: Handle): Handle | null;
  setGrad(t: Handle, grad: Maybe<Handle>): void;
  backward(t: Handle, gradient: Maybe<Handle>, retainGraph: boolean): void;
  detach(t: Handle): Handle;
  setGradEnabled(enabled: boolean): void;
  isGradEnabled(): boolean;
  // CPU autocast (thread-local, as torch.autocast('cpu'))
  isAutocastCpuEnabled(): boolean;
  setAutocastCpuEnabled(enabled: boolean): void;
  autocastCpuDtype(): string;
  setAutocastCpuDtype(dtype: string): void;
  autocastIncrementNesting(): number;
  autocastDecrementNesting(): number;
  clearAutocastCache(): void;
}

const addonPath = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../native/build/Release/pareto_edge.node',
);

function loadAddon(): NativeAddon {
  if (!existsSync(addonPath)) {
    throw new Error(
      `the libtorch addon is not built (${addonPath} is missing). Run \`bash scripts/setup.sh\` to install libtorch and build it.`,
    );
  }
  chooseWaitPolicy(process.env);
  const require = createRequire(import.meta.url);
  const addon = require(addonPath) as NativeAddon;
  // Debian's libtorch starts with one intra-op thread whatever the machine; use every core unless
  // the user chose (OMP_NUM_THREADS is respected by libtorch itself).
  if (!process.env.OMP_NUM_THREADS) addon.setNumThreads(os.availableParallelism());
  addon.setCacheLimit(defaultCacheLimit());
  return addon;
}

/**
 * Freed tensor memory kept for reuse by the same size (see native/src/allocator.cc): a quarter of RAM
 * unless PARETO_EDGE_ALLOCATOR_CACHE gives bytes (0 turns the cache off).
 */
function defaultCacheLimit(): number {
  const fromEnv = process.env.PARETO_EDGE_ALLOCATOR_CACHE;
  if (fromEnv !== undefined && fromEnv !== '') {
    const bytes = Number(fromEnv);
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      throw new Error(
        `PARETO_EDGE_ALLOCATOR_CACHE must be a number of bytes (0 disables the cache), got "${fromEnv}"`,
      );
    }
    return bytes;
  }
  return Math.floor(os.totalmem() / 4);
}

export const native: NativeAddon = loadAddon();
