// Runs a PyTorch peer script with Debian's python3-torch (same libtorch as the addon). DESIGN.md: the
// python3 first on PATH may lack torch, so the peer always runs /usr/bin/python3.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PEER_PYTHON = '/usr/bin/python3';

export function pytorchAvailable(): boolean {
  if (!existsSync(PEER_PYTHON)) return false;
  try {
    execFileSync(PEER_PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function requirePytorch(): void {
  if (!pytorchAvailable()) {
    process.stderr.write(
      "The PyTorch peer needs Debian's python3-torch: run `PARETO_EDGE_BENCH=1 bash scripts/setup.sh` (or apt-get install python3-torch).\n",
    );
    process.exit(2);
  }
}

/**
 * Runs script with args on `threads` threads and parses the JSON it prints last on stdout. `preload`
 * is a shared library to LD_PRELOAD into the peer (the allocator-counting shim), if any.
 */
export function runPeer<T>(script: string, args: string[], threads: number, preload?: string | null): T {
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: String(threads) };
  if (preload) env.LD_PRELOAD = preload;
  const out = execFileSync(PEER_PYTHON, [script, ...args], {
    encoding: 'utf8',
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}
