// Running the CLI as a user would, from the built bin/pareto-edge.js.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/pareto-edge.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI to completion; CI=true keeps progress output plain. `timeoutMs` ends a command that
 * may hang (status null), so a test of a former hang fails instead of never ending.
 */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs?: number): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ...env },
    maxBuffer: 64 * 1024 * 1024,
    ...(timeoutMs !== undefined ? { timeout: timeoutMs } : {}),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function startCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, CI: 'true', ...env },
    stdio: 'ignore',
  });
}
