// The PyTorch side of bench/models: peer.py run once per measurement and round, with the allocator
// shim preloaded when it can be built.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPeer } from '../common/pytorch-peer.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const peerScript = path.join(repoRoot, 'bench/models/peer.py');
const shimSource = path.join(repoRoot, 'test/analysis/calibration/memalign_peak.c');

export interface SameFunctionCheck {
  missing: string[];
  unexpected: string[];
  mismatchedShapes: string[];
  maxAbsDifference?: number;
  maxAbsLogit?: number;
}

export interface PeerTiming {
  steps_ms: number[];
  peakBytes: number | null;
  peakRssBytes: number | null;
  peakRssIsProcessLifetime: boolean;
  params: { parametersOnly: number; keras: number };
  threads: number;
  torch: string;
  check?: SameFunctionCheck;
}

/** What PyTorch could not run (1.13: no bfloat16 backward for ReLU6), in its own words. */
export interface PeerFailure {
  error: string;
  torch: string;
}

export interface PeerRequest {
  description: string;
  mode: 'train' | 'infer';
  precision: 'fp32' | 'bf16';
  batch: number;
  steps: number;
  threads: number;
  /** The first round also checks the build against ours: the files written by writeSameFunctionCheck. */
  check?: { weights: string; description: string };
}

/** Builds the posix_memalign-counting LD_PRELOAD shim of the memory calibration; null if it cannot. */
export function buildShim(dir: string): string | null {
  const out = path.join(dir, 'memalign_peak.so');
  try {
    execFileSync('cc', ['-O2', '-shared', '-fPIC', '-o', out, shimSource, '-ldl', '-lpthread'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return out;
  } catch (error) {
    process.stderr.write(`could not build the allocator shim (${String(error)}); peak RSS only\n`);
    return null;
  }
}

/** Runs the peer in channels-last, PyTorch's faster format for these models on CPU. */
export function runModelPeer(request: PeerRequest, shim: string | null): PeerTiming | PeerFailure {
  const args = [
    '--description',
    request.description,
    '--mode',
    request.mode,
    '--precision',
    request.precision,
    '--batch',
    String(request.batch),
    '--steps',
    String(request.steps),
    '--threads',
    String(request.threads),
    '--channels-last',
    ...(request.check
      ? ['--check', request.check.weights, '--check-description', request.check.description]
      : []),
    ...(shim ? ['--shim', shim] : []),
  ];
  const result = runPeer<PeerTiming | PeerFailure>(peerScript, args, request.threads, shim);
  if ('error' in result) return result;
  if (result.threads !== request.threads) {
    throw new Error(`the peer ran ${result.threads} threads, not ${request.threads}`);
  }
  if (shim && !(result.peakBytes !== null && result.peakBytes > 0)) {
    throw new Error(`the allocator shim counted nothing (peak ${result.peakBytes}): is LD_PRELOAD honoured?`);
  }
  return result;
}
