// bench/models: one training step (forward, cross-entropy, backward, Adam) of each zoo model in
// pareto-edge and in PyTorch, the same architecture built from the same description (torch_model.py),
// same libtorch (Debian's 1.13), same threads, alternating rounds in one run (ours, theirs, ours,
// theirs) so machine noise hits both. Prints median step times, allocator peaks and their ratios.
// On demand, never part of the test suite; needs python3-torch (PARETO_EDGE_BENCH=1 bash scripts/setup.sh).
//   node dist/bench/models/run.js [--models xception,mobilenet-v2] [--input 96] [--batch 16]
//        [--steps 5] [--rounds 3] [--threads N] [--channels-last] [--json FILE]
// On a machine other processes also load, give both sides OMP_WAIT_POLICY=passive (the peer inherits
// the environment): libgomp's spin-waiting threads otherwise lose whole time slices to the other load.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  dispose,
  engineInfo,
  manualSeed,
  memoryStats,
  noGrad,
  randn,
  saveSafetensors,
  tidy,
} from '../../src/engine/index.js';
import { describeModel } from '../../src/zoo/registry.js';
import { buildModel } from '../../src/models/build.js';
import { benchModel } from '../../src/train/bench-model.js';
import { median } from '../common/stats.js';
import { requirePytorch, runPeer } from '../common/pytorch-peer.js';

const ZOO = ['xception', 'xception-lite', 'mobilenet-v2', 'efficientnet-v2-b1'];
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const peerScript = path.join(repoRoot, 'bench/models/peer.py');
const shimSource = path.join(repoRoot, 'test/analysis/calibration/memalign_peak.c');
const MB = 1e6;

interface Options {
  input: number;
  batch: number;
  steps: number;
  rounds: number;
  threads: number;
  channelsLast: boolean;
}

interface PeerResult {
  steps_ms: number[];
  peakBytes: number | null;
  peakRssBytes: number | null;
  peakRssIsProcessLifetime: boolean;
  params: { parametersOnly: number; keras: number };
  threads: number;
  torch: string;
  check?: {
    missing: string[];
    unexpected: string[];
    mismatchedShapes: string[];
    maxAbsDifference?: number;
    maxAbsLogit?: number;
  };
}

interface Side {
  /** Median step time of each round (ms). */
  roundMs: number[];
  /** Allocator peak of each round, bytes held during the steps beyond those held before the model existed. */
  peakBytes: (number | null)[];
  /**
   * Peak RSS (VmHWM, reset before the steps) of each round: the fallback when there is no shim. Not
   * comparable otherwise: the Node process runs every model in turn and keeps the heap it grew.
   */
  peakRssBytes: (number | null)[];
}

interface ModelResult {
  model: string;
  params: {
    ours: { parametersOnly: number; keras: number };
    pytorch: { parametersOnly: number; keras: number };
  };
  check: PeerResult['check'];
  ours: Side;
  pytorch: Side;
}

/** Builds the posix_memalign-counting LD_PRELOAD shim of the memory calibration; null if it cannot. */
function buildShim(dir: string): string | null {
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

/** Runs the PyTorch peer, with the allocator shim preloaded when there is one. */
function runModelPeer(args: string[], threads: number, shim: string | null): PeerResult {
  const shimArgs = shim ? ['--shim', shim] : [];
  const result = runPeer<PeerResult>(peerScript, [...args, ...shimArgs], threads, shim);
  if (shim && !(result.peakBytes !== null && result.peakBytes > 0)) {
    throw new Error(`the allocator shim counted nothing (peak ${result.peakBytes}): is LD_PRELOAD honoured?`);
  }
  return result;
}

/** The description with every Dropout rate 0: a training-mode forward without randomness. */
function withoutDropout<T>(node: T): T {
  if (Array.isArray(node)) return node.map(withoutDropout) as T;
  if (node === null || typeof node !== 'object') return node;
  const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, withoutDropout(v)]));
  return ((copy as { kind?: string }).kind === 'Dropout' ? { ...copy, rate: 0 } : copy) as T;
}

/**
 * Writes our model's state dict, an input and our logits for it, so the peer can load the same
 * weights and show that its build computes the same function. Training-mode BatchNorm (batch
 * statistics, so activations stay O(1) with untrained weights) and no dropout; no gradients.
 * Returns our parameter counts.
 */
async function writeCheck(
  description: ReturnType<typeof describeModel>,
  descriptionFile: string,
  weightsFile: string,
): Promise<{ parametersOnly: number; keras: number }> {
  const deterministic = withoutDropout(description);
  writeFileSync(descriptionFile, JSON.stringify(deterministic));
  manualSeed(0);
  const model = buildModel(deterministic).train();
  const size = description.input.height;
  const x = randn([4, 3, size, size]);
  const logits = noGrad(() => tidy(() => model.forward(x)));
  try {
    await saveSafetensors(weightsFile, { ...model.stateDict(), __input: x, __logits: logits });
    const counts = model.countParameters();
    return { parametersOnly: counts.parametersOnly, keras: counts.total };
  } finally {
    dispose([x, logits]);
    model.dispose();
  }
}

async function benchOne(name: string, o: Options, dir: string, shim: string | null): Promise<ModelResult> {
  const description = describeModel(name, {
    numClasses: 2,
    inputSize: o.input,
    includePreprocessing: false,
  });
  const descriptionFile = path.join(dir, `${name}.json`);
  writeFileSync(descriptionFile, JSON.stringify(description));
  const checkDescription = path.join(dir, `${name}-check.json`);
  const checkFile = path.join(dir, `${name}-check.safetensors`);
  const ourParams = await writeCheck(description, checkDescription, checkFile);

  const ours: Side = { roundMs: [], peakBytes: [], peakRssBytes: [] };
  const pytorch: Side = { roundMs: [], peakBytes: [], peakRssBytes: [] };
  let check: PeerResult['check'];
  let theirParams = { parametersOnly: NaN, keras: NaN };
  const peerArgs = [
    '--description',
    descriptionFile,
    '--batch',
    String(o.batch),
    '--steps',
    String(o.steps),
    '--threads',
    String(o.threads),
    ...(o.channelsLast ? ['--channels-last'] : []),
  ];
  for (let round = 0; round < o.rounds; round++) {
    const before = memoryStats().currentBytes;
    const r = benchModel(name, {
      input: o.input,
      batch: o.batch,
      steps: o.steps,
      classes: 2,
      threads: o.threads,
      // Forced, never auto: the PyTorch peer runs the same format.
      memoryFormat: o.channelsLast ? 'channels-last' : 'nchw',
    });
    ours.roundMs.push(r.train.stepMs.median);
    ours.peakBytes.push(r.memory.peakTensorBytes - before);
    ours.peakRssBytes.push(r.memory.peakRssIsProcessLifetime ? null : r.memory.peakRssBytes);

    // The first round also checks the peer's build against ours (after its timed steps).
    const p = runModelPeer(
      round === 0 ? [...peerArgs, '--check', checkFile, '--check-description', checkDescription] : peerArgs,
      o.threads,
      shim,
    );
    if (p.threads !== o.threads) throw new Error(`the peer ran ${p.threads} threads, not ${o.threads}`);
    pytorch.roundMs.push(median(p.steps_ms));
    pytorch.peakBytes.push(p.peakBytes);
    pytorch.peakRssBytes.push(p.peakRssIsProcessLifetime ? null : p.peakRssBytes);
    theirParams = p.params;
    if (p.check) check = p.check;
    process.stderr.write(
      `  ${name} round ${round + 1}/${o.rounds}: pareto-edge ${r.train.stepMs.median.toFixed(0)} ms, ` +
        `PyTorch ${median(p.steps_ms).toFixed(0)} ms\n`,
    );
  }
  return { model: name, params: { ours: ourParams, pytorch: theirParams }, check, ours, pytorch };
}

function medianOf(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === values.length && present.length > 0 ? median(present) : null;
}

function fmt(value: number | null, digits = 0): string {
  return value === null || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);
}

function ratio(a: number | null, b: number | null): string {
  return a === null || b === null ? 'n/a' : (a / b).toFixed(2);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function report(results: ModelResult[], allocatorPeaks: boolean): string {
  // Without the shim there is no PyTorch allocator peak: peak RSS (VmHWM) for both sides instead.
  const peaks = (side: Side) => (allocatorPeaks ? side.peakBytes : side.peakRssBytes);
  const peakName = allocatorPeaks ? 'peak MB' : 'peak RSS MB';
  const timeRows = results.map((r) => {
    const ours = median(r.ours.roundMs);
    const theirs = median(r.pytorch.roundMs);
    const perRound = r.ours.roundMs.map((ms, i) => ms / r.pytorch.roundMs[i]);
    const peakOurs = medianOf(peaks(r.ours));
    const peakTheirs = medianOf(peaks(r.pytorch));
    return [
      r.model,
      fmt(ours),
      fmt(theirs),
      ratio(ours, theirs),
      `${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)}`,
      fmt(peakOurs === null ? null : peakOurs / MB),
      fmt(peakTheirs === null ? null : peakTheirs / MB),
      ratio(peakOurs, peakTheirs),
    ];
  });
  const paramRows = results.map((r) => {
    const same = r.params.ours.parametersOnly === r.params.pytorch.parametersOnly;
    const c = r.check;
    let check = 'not run';
    if (c && (c.missing.length || c.unexpected.length || c.mismatchedShapes.length)) {
      check = `names differ: missing ${c.missing.join(',')} unexpected ${c.unexpected.join(',')} shapes ${c.mismatchedShapes.join(',')}`;
    } else if (c?.maxAbsDifference !== undefined) {
      const relative = c.maxAbsDifference / Math.max(c.maxAbsLogit ?? 0, 1e-12);
      check = `${relative <= 1e-3 ? 'same' : 'DIFFERENT'} (max |Δ| ${c.maxAbsDifference.toExponential(1)}, max |logit| ${c.maxAbsLogit?.toExponential(1)})`;
    }
    return [
      r.model,
      String(r.params.ours.parametersOnly),
      String(r.params.pytorch.parametersOnly),
      same ? 'yes' : 'NO',
      String(r.params.ours.keras),
      check,
    ];
  });
  return [
    table(
      [
        'model',
        'pareto-edge ms',
        'PyTorch ms',
        'ratio',
        'per-round ratios',
        `pareto-edge ${peakName}`,
        `PyTorch ${peakName}`,
        'ratio',
      ],
      timeRows,
    ),
    "step ms: median over rounds of each round's median step; ratio = pareto-edge / PyTorch (below 1: pareto-edge faster or smaller)",
    allocatorPeaks
      ? "peak MB: allocator peak during the steps (bytes libtorch's CPU allocator holds: pareto-edge's counting allocator, PyTorch's via the posix_memalign shim), minus what was held before the model was built"
      : 'peak RSS MB: VmHWM of each whole process, reset before the steps (no allocator shim for PyTorch: see stderr); this Node process runs every model in turn, so it carries heap from earlier ones',
    '',
    table(
      [
        'model',
        'params pareto-edge',
        'params PyTorch',
        'match',
        'Keras total (+BN moving stats)',
        'same function (logits, same weights and input)',
      ],
      paramRows,
    ),
    'params: PyTorch convention (parameters only, no BatchNorm running statistics)',
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      models: { type: 'string', default: ZOO.join(',') },
      input: { type: 'string', default: '96' },
      batch: { type: 'string', default: '16' },
      steps: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      threads: { type: 'string', default: String(os.availableParallelism()) },
      'channels-last': { type: 'boolean', default: false },
      json: { type: 'string' },
    },
  });
  requirePytorch();
  const options: Options = {
    input: Number(values.input),
    batch: Number(values.batch),
    steps: Number(values.steps),
    rounds: Number(values.rounds),
    threads: Number(values.threads),
    channelsLast: values['channels-last'],
  };
  const models = values.models.split(',').map((m) => m.trim());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pe-bench-models-'));
  try {
    const shim = buildShim(dir);
    const info = engineInfo();
    console.log(
      `${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} cores; ` +
        `libtorch ${info.libtorch.version}, BLAS ${info.blas.kind}; ${options.threads} threads, ` +
        `${options.channelsLast ? 'channels_last' : 'contiguous (NCHW)'}, ${options.input}×${options.input}, ` +
        `batch ${options.batch}, 2 classes, ${options.steps} steps × ${options.rounds} rounds (3 warm-up steps each); ` +
        `OMP_WAIT_POLICY ${process.env.OMP_WAIT_POLICY ?? 'unset'}; load average ${os.loadavg()[0].toFixed(1)}`,
    );
    const results: ModelResult[] = [];
    for (const name of models) results.push(await benchOne(name, options, dir, shim));
    console.log(report(results, shim !== null));
    console.log(`load average at the end ${os.loadavg()[0].toFixed(1)} (${os.availableParallelism()} cores)`);
    if (values.json) writeFileSync(values.json, `${JSON.stringify({ options, results }, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
