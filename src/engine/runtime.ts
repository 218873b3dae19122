// The engine's runtime settings and what it runs on: threads, seeds, live tensor memory, the libtorch
// build, the BLAS library that is actually loaded and the CPU kernels ATen dispatches to.
import { readFileSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { native, type TensorMemoryStats } from './native.js';
import { Tensor } from './tensor.js';
import { nonNegativeInteger } from './arguments.js';

/** Sets libtorch's intra-op thread count (OpenMP), which also drives OpenBLAS's OpenMP build. */
export function setNumThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`threads must be a positive integer, got ${threads}`);
  }
  native.setNumThreads(threads);
}

export function getNumThreads(): number {
  return native.getNumThreads();
}

/** Seeds libtorch's global generator (random tensors, dropout, initialisers without a Generator). */
export function manualSeed(seed: number): void {
  native.manualSeed(nonNegativeInteger(seed, 'seed'));
}

/** The global generator's state, for checkpoints; restore with setRngState(). */
export function getRngState(): Tensor {
  return new Tensor(native.getRngState());
}

export function setRngState(state: Tensor): void {
  native.setRngState(state.handle);
}

export type { TensorMemoryStats } from './native.js';

/** Live tensor memory from the counting allocator installed in libtorch (torch.cuda.max_memory_allocated's CPU analogue). */
export function memoryStats(): TensorMemoryStats {
  return native.memoryStats();
}

/** Sets how many bytes of freed tensor memory the allocator keeps for reuse; 0 disables caching. */
export function setAllocatorCacheLimit(bytes: number): void {
  native.setCacheLimit(nonNegativeInteger(bytes, 'bytes'));
}

/** Returns every cached block to the system (e.g. between runs, before measuring resident memory). */
export function emptyCache(): void {
  native.emptyCache();
}

/** Starts a new peak measurement from the current level. */
export function resetPeakMemory(): void {
  native.resetPeakMemory();
}

export type BlasKind = 'openblas' | 'reference' | 'mkl' | 'blis' | 'atlas' | 'unknown';

export interface EngineInfo {
  libtorch: { version: string; library: string | null; from: 'LIBTORCH' | 'system' };
  blas: { kind: BlasKind; library: string | null };
  cpuCapability: string;
  threads: number;
  hardwareThreads: number;
  parallelBackend: string;
}

/** Which shared objects the process really loaded, read from /proc/self/maps (Linux). */
function loadedLibraries(): string[] {
  try {
    const maps = readFileSync('/proc/self/maps', 'utf8');
    const paths = new Set<string>();
    for (const line of maps.split('\n')) {
      const file = line.split(/\s+/)[5];
      if (file?.includes('.so')) paths.add(file);
    }
    return [...paths];
  } catch {
    return [];
  }
}

export function classifyBlas(library: string): BlasKind {
  const name = library.toLowerCase();
  if (name.includes('openblas')) return 'openblas';
  if (name.includes('mkl')) return 'mkl';
  if (name.includes('blis')) return 'blis';
  if (name.includes('atlas')) return 'atlas';
  // Debian's reference implementation lives in .../blas/libblas.so.3.
  if (/\/blas\/libblas\.so/.test(name)) return 'reference';
  return 'unknown';
}

function findBlas(libraries: string[]): { kind: BlasKind; library: string | null } {
  const candidates = libraries.filter((lib) => /lib(open)?blas|mkl_|blis|atlas/.test(path.basename(lib)));
  for (const library of candidates) {
    const resolved = safeRealpath(library);
    const kind = classifyBlas(resolved);
    if (kind !== 'unknown') return { kind, library: resolved };
  }
  return { kind: 'unknown', library: candidates[0] ?? null };
}

function safeRealpath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** ATen's kernel level, from its build summary, e.g. "AVX2" (ATEN_CPU_CAPABILITY can lower it). */
function cpuCapability(config: string): string {
  return /CPU capability usage:\s*(\S+)/.exec(config)?.[1] ?? 'unknown';
}

export function engineInfo(): EngineInfo {
  const libraries = loadedLibraries();
  const torchLibrary = libraries.find((lib) => /libtorch_cpu\.so/.test(lib)) ?? null;
  return {
    libtorch: {
      version: native.version(),
      library: torchLibrary,
      from: process.env.LIBTORCH ? 'LIBTORCH' : 'system',
    },
    blas: findBlas(libraries),
    cpuCapability: cpuCapability(native.buildConfig()),
    threads: native.getNumThreads(),
    hardwareThreads: os.availableParallelism(),
    parallelBackend: /ATen parallel backend:\s*(.+)/.exec(native.parallelInfo())?.[1]?.trim() ?? 'unknown',
  };
}
