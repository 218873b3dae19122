// Test-only fault injection, inert unless PARETO_EDGE_FAULT is set. PARETO_EDGE_FAULT=after:<file>:<n>
// kills this process with SIGKILL right after the n-th atomic write of a file named <file> (a base
// name such as checkpoint.safetensors) is renamed into place, so a test can interrupt a run at an exact
// write boundary and check that --resume recovers (test/train/interrupted.test.ts, docs/reliability.md).
const writes = new Map<string, number>();

export function faultPoint(file: string): void {
  const spec = process.env.PARETO_EDGE_FAULT;
  if (!spec) return;
  const match = /^after:(.+):(\d+)$/.exec(spec);
  if (!match) throw new Error(`PARETO_EDGE_FAULT=${spec} is not after:<file>:<n>; unset it`);
  if (match[1] !== file) return;
  const count = (writes.get(file) ?? 0) + 1;
  writes.set(file, count);
  if (count === Number(match[2])) process.kill(process.pid, 'SIGKILL');
}
