// Latency of a repeated call (inference on one batch, or on one image): warm-up calls first, not
// timed, then one wall-clock time per call, summarised by median and 95th percentile.
import { summarize } from './stats.js';

export interface LatencyStats {
  median: number;
  p95: number;
}

export interface LatencyOptions {
  /** Untimed calls first: lazy initialisation, allocator cache, oneDNN primitive creation (default 3). */
  warmup?: number;
  /** Timed calls (default 20). */
  iterations?: number;
  /** The clock, in milliseconds (default performance.now); tests pass a fake one. */
  now?: () => number;
}

export interface LatencyResult {
  warmup: number;
  iterations: number;
  /** One wall time per timed call, in call order, ms. */
  timesMs: number[];
  medianMs: number;
  p95Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
}

function settings(options: LatencyOptions): { warmup: number; iterations: number; now: () => number } {
  const warmup = options.warmup ?? 3;
  const iterations = options.iterations ?? 20;
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new RangeError(`warmup must be an integer ≥ 0, got ${warmup}`);
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError(`iterations must be an integer ≥ 1, got ${iterations}`);
  }
  return { warmup, iterations, now: options.now ?? (() => performance.now()) };
}

function result(warmup: number, timesMs: number[]): LatencyResult {
  const s = summarize(timesMs);
  return {
    warmup,
    iterations: timesMs.length,
    timesMs,
    medianMs: s.median,
    p95Ms: s.p95,
    meanMs: s.mean,
    minMs: s.min,
    maxMs: s.max,
  };
}

/**
 * Times a synchronous call. fn must finish its work before returning (engine calls do: they return
 * when libtorch has computed) and clean up after itself, e.g. `() => tidy(() => model.forward(x))`.
 */
export function measureLatency(fn: () => unknown, options: LatencyOptions = {}): LatencyResult {
  const { warmup, iterations, now } = settings(options);
  for (let i = 0; i < warmup; i++) fn();
  const timesMs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = now();
    fn();
    timesMs.push(now() - t0);
  }
  return result(warmup, timesMs);
}

/** Times an asynchronous call, awaiting each one before the next starts. */
export async function measureLatencyAsync(
  fn: () => Promise<unknown>,
  options: LatencyOptions = {},
): Promise<LatencyResult> {
  const { warmup, iterations, now } = settings(options);
  for (let i = 0; i < warmup; i++) await fn();
  const timesMs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = now();
    await fn();
    timesMs.push(now() - t0);
  }
  return result(warmup, timesMs);
}

/** The run summary's { median, p95 } in milliseconds. */
export function latencyStats(r: LatencyResult): LatencyStats {
  return { median: r.medianMs, p95: r.p95Ms };
}
