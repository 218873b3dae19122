// `pareto-edge doctor`: what the engine runs on, and a fix for each problem found.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { EngineInfo } from '../engine/runtime.js';
import { bf16Support, readCpuFlags } from '../engine/cpu-features.js';

interface Problem {
  problem: string;
  fix: string;
}

export interface DoctorReport extends Partial<EngineInfo> {
  node: string;
  /** bf16: the CPU's bfloat16 instruction flags (empty: --precision bf16 is refused). */
  cpu: { model: string; avx2: boolean; avx512: boolean; bf16: string[] };
  memory: { totalBytes: number; availableBytes: number };
  problems: Problem[];
  /** Advice that is not a fault, e.g. kernel choices worth measuring. */
  notes: Problem[];
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check libtorch, BLAS, CPU kernels, threads and memory, and say how to fix problems')
    .option('--json', 'print a machine-readable report')
    .action(async (options: { json?: boolean }) => {
      const report = await diagnose();
      if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(formatReport(report));
      if (report.problems.some((p) => p.problem.startsWith('engine'))) process.exitCode = 1;
    });
}

async function diagnose(): Promise<DoctorReport> {
  const cpu = cpuFeatures();
  const report: DoctorReport = {
    node: process.version,
    cpu,
    memory: { totalBytes: os.totalmem(), availableBytes: availableMemory() },
    problems: [],
    notes: [],
  };
  try {
    const { engineInfo } = await import('../engine/runtime.js');
    Object.assign(report, engineInfo());
  } catch (error) {
    report.problems.push({
      problem: `engine unavailable: ${(error as Error).message}`,
      fix: 'run `bash scripts/setup.sh` (installs libtorch-dev and builds the addon)',
    });
    return report;
  }
  report.problems.push(...engineProblems(report));
  if (report.cpu.avx512 && report.cpuCapability === 'AVX2') {
    report.notes.push({
      problem: 'the CPU has AVX-512 but ATen dispatches AVX2 kernels (how Debian built libtorch)',
      fix: 'usually fine; try ATEN_CPU_CAPABILITY=avx512 with `pareto-edge bench` and keep it only if it measures faster',
    });
  }
  if (report.cpu.bf16.length > 0) {
    report.notes.push({
      problem: `the CPU has bfloat16 instructions (${report.cpu.bf16.join(', ')}); training runs in float32 unless asked`,
      fix: '`pareto-edge bench MODEL --precision bf16` against --precision fp32, and train with --precision bf16 if it measures faster (docs/precision.md)',
    });
  }
  return report;
}

function engineProblems(report: DoctorReport): Problem[] {
  const problems: Problem[] = [];
  const blas = report.blas;
  if (blas?.kind === 'reference') {
    problems.push({
      problem: `libtorch runs the reference BLAS (${blas.library}), about 80× slower than OpenBLAS for matrix products`,
      fix: 'sudo apt-get install libopenblas0-openmp (Debian switches libblas.so.3 to it)',
    });
  } else if (blas?.kind === 'unknown') {
    problems.push({
      problem: `could not tell which BLAS library is loaded (${blas.library ?? 'none found'})`,
      fix: 'check `update-alternatives --display libblas.so.3-x86_64-linux-gnu`; OpenBLAS (libopenblas0-openmp) is recommended',
    });
  }
  if (
    report.threads !== undefined &&
    report.hardwareThreads !== undefined &&
    report.threads < report.hardwareThreads
  ) {
    problems.push({
      problem: `libtorch uses ${report.threads} of ${report.hardwareThreads} hardware threads`,
      fix: 'unset OMP_NUM_THREADS, or pass --threads to train/bench',
    });
  }
  if (report.memory.availableBytes < 2 * 1024 ** 3) {
    problems.push({
      problem: `only ${(report.memory.availableBytes / 1024 ** 3).toFixed(1)} GiB of memory available`,
      fix: 'close other programs or train with a smaller --batch / --input; `pareto-edge summary` predicts training memory',
    });
  }
  return problems;
}

function cpuFeatures(): DoctorReport['cpu'] {
  const flags = readCpuFlags();
  return {
    model: os.cpus()[0]?.model ?? 'unknown',
    avx2: flags.has('avx2'),
    avx512: flags.has('avx512f'),
    bf16: bf16Support(flags),
  };
}

function availableMemory(): number {
  try {
    const kib = /^MemAvailable:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
    if (kib) return Number(kib) * 1024;
  } catch {
    // Fall back to what Node knows.
  }
  return os.freemem();
}

const GiB = 1024 ** 3;

function formatReport(report: DoctorReport): string {
  const lines = [
    `node        ${report.node}`,
    `libtorch    ${report.libtorch ? `${report.libtorch.version} (${report.libtorch.library ?? 'path unknown'}, from ${report.libtorch.from})` : 'not loaded'}`,
    `BLAS        ${report.blas ? `${report.blas.kind} (${report.blas.library ?? 'path unknown'})` : 'unknown'}`,
    `CPU         ${report.cpu.model}; ATen kernels: ${report.cpuCapability ?? 'unknown'}`,
    `bfloat16    ${report.cpu.bf16.length > 0 ? `${report.cpu.bf16.join(', ')} (--precision bf16 available)` : 'no instructions (--precision bf16 refused, auto means fp32)'}`,
    `threads     ${report.threads ?? '?'} of ${report.hardwareThreads ?? os.availableParallelism()} (${report.parallelBackend ?? 'unknown backend'})`,
    `memory      ${(report.memory.availableBytes / GiB).toFixed(1)} GiB available of ${(report.memory.totalBytes / GiB).toFixed(1)} GiB`,
    '',
  ];
  if (report.problems.length === 0) lines.push('No problems found.');
  for (const { problem, fix } of report.problems) lines.push(`problem: ${problem}`, `    fix: ${fix}`);
  for (const { problem, fix } of report.notes) lines.push(`note: ${problem}`, `    try: ${fix}`);
  return `${lines.join('\n')}\n`;
}
