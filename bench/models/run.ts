// bench/models: issue 17's "Must show" measured in one run. For each model, the training step
// (forward, cross-entropy, backward, Adam) of pareto-edge by default and in bf16 against PyTorch's
// float32 and bf16-autocast steps, and inference at the training batch and at batch 1 (BatchNorm
// folded, and the training graph) against PyTorch's eval mode; the same architecture on both sides
// (bench/models/torch_model.py), the same libtorch (Debian's 1.13), the same threads, rounds alternating
// (./measure-model.ts). Prints Markdown tables with the command, and --json FILE writes every round.
// On demand, never part of the test suite; needs python3-torch (PARETO_EDGE_BENCH=1 bash scripts/setup.sh).
//   node dist/bench/models/run.js [--models xception-lite,mobilenet-v2] [--input 96] [--batch 16]
//        [--steps 5] [--rounds 3] [--threads 2] [--json FILE]
// The peer inherits the environment, so both sides run with the wait policy pareto-edge chose
// (src/engine/wait-policy.ts) or the user's, named in the machine line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeWaitPolicy, engineInfo } from '../../src/engine/index.js';
import { describeModel } from '../../src/zoo/registry.js';
import { requirePytorch } from '../common/pytorch-peer.js';
import { measureModel, type ModelResult, type Options } from './measure-model.js';
import { buildShim } from './pytorch-side.js';
import { report } from './report.js';

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--${name} must be a positive integer, got "${text}"`);
  }
  return value;
}

function machineLine(o: Options): string {
  const info = engineInfo();
  return (
    `${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} cores; ` +
    `libtorch ${info.libtorch.version} (CPU capability ${info.cpuCapability}), BLAS ${info.blas.kind}; ` +
    `${o.threads} threads, ${o.input}×${o.input}, batch ${o.batch}, 2 classes, ` +
    `${o.steps} steps × ${o.rounds} rounds (3 warm-up steps each); ` +
    `${describeWaitPolicy()}; load average ${os.loadavg()[0].toFixed(1)}`
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      models: { type: 'string', default: 'xception-lite,mobilenet-v2' },
      input: { type: 'string', default: '96' },
      batch: { type: 'string', default: '16' },
      steps: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      threads: { type: 'string', default: '2' },
      json: { type: 'string' },
    },
  });
  const options: Options = {
    input: positiveInteger('input', values.input),
    batch: positiveInteger('batch', values.batch),
    steps: positiveInteger('steps', values.steps),
    rounds: positiveInteger('rounds', values.rounds),
    threads: positiveInteger('threads', values.threads),
  };
  requirePytorch();
  const command = ['node dist/bench/models/run.js', ...process.argv.slice(2)].join(' ');
  const machine = machineLine(options);
  const models = values.models.split(',').map((m) => m.trim());
  for (const name of models) describeModel(name, { numClasses: 2, inputSize: options.input }); // an unknown name fails now, not after the others ran
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pe-bench-models-'));
  try {
    const shim = buildShim(dir);
    process.stderr.write(`${machine}\n`);
    const results: ModelResult[] = [];
    for (const name of models) results.push(await measureModel(name, options, dir, shim));
    console.log(report(command, machine, results, shim !== null));
    console.log(
      `\nload average at the end ${os.loadavg()[0].toFixed(1)} (${os.availableParallelism()} cores)`,
    );
    if (values.json) {
      writeFileSync(values.json, `${JSON.stringify({ command, machine, options, results }, null, 2)}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
