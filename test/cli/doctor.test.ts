import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { bf16Support } from '../../src/engine/cpu-features.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/pareto-edge.js');

test('doctor --json reports libtorch, a non-reference BLAS and the thread count', () => {
  const report = JSON.parse(execFileSync(process.execPath, [cli, 'doctor', '--json'], { encoding: 'utf8' }));
  assert.match(report.libtorch.version, /^\d+\.\d+/);
  assert.match(report.libtorch.library, /libtorch_cpu\.so/);
  assert.ok(['openblas', 'mkl', 'blis'].includes(report.blas.kind), `BLAS is ${JSON.stringify(report.blas)}`);
  assert.ok(Number.isInteger(report.threads) && report.threads >= 1);
  assert.ok(report.memory.totalBytes > 0);
  assert.ok(Array.isArray(report.problems));
});

test('doctor with OMP_NUM_THREADS=1 on a multi-core machine names the problem and the fix', () => {
  const out = execFileSync(process.execPath, [cli, 'doctor'], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  assert.match(out, /threads\s+1 of/);
  if (Number(/of (\d+)/.exec(out)?.[1]) > 1) assert.match(out, /fix: unset OMP_NUM_THREADS/);
});

test('doctor reports the CPU’s bfloat16 instructions, which decide what --precision auto means', () => {
  const report = JSON.parse(execFileSync(process.execPath, [cli, 'doctor', '--json'], { encoding: 'utf8' }));
  assert.deepEqual(report.cpu.bf16, bf16Support());
  const text = execFileSync(process.execPath, [cli, 'doctor'], { encoding: 'utf8' });
  assert.match(
    text,
    bf16Support().length > 0
      ? new RegExp(`bfloat16\\s+${bf16Support().join(', ')} \\(--precision bf16 available\\)`)
      : /bfloat16\s+no instructions \(--precision bf16 refused, auto means fp32\)/,
  );
});
