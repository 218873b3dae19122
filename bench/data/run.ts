// Input-pipeline throughput: images per second decoded, augmented (the paper's augmentation) and
// batched at 96×96 by the worker pool, against the images per second that training xception-lite
// consumes at the same size and batch (the training step of `pareto-edge bench`, benchModel()), in the
// same run. Issue 4's goal: the pipeline at least 5× faster than training, so training never waits.
// Run on demand after `npm run build:ts`:
//   node dist/bench/data/run.js [--data DIR|synthetic-pcb] [--images 1024] [--runs 5] [--workers N]
//        [--train-model xception-lite] [--train-steps 5] [--threads N]
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDataset } from '../../src/data/dataset.js';
import { createLoader } from '../../src/data/loader.js';
import { resolveDataDir } from '../../src/data/resolve.js';
import type { Sample } from '../../src/data/types.js';
import { WorkerPool, defaultWorkerCount } from '../../src/data/worker-pool.js';
import { benchModel } from '../../src/train/bench-model.js';
import { Adam, F, describeWaitPolicy, manualSeed, setNumThreads, tidy } from '../../src/engine/index.js';
import { describeModel } from '../../src/zoo/registry.js';
import { buildModel } from '../../src/models/build.js';
import { batchTensors } from '../../src/train/batch.js';

/** Issue 4: the pipeline must deliver images at least this many times faster than training takes them. */
export const REQUIRED_DATA_TO_TRAINING_RATIO = 5;

export interface DataRateOptions {
  /** A data DIR or 'synthetic-pcb' (default: ../shared/datasets/pcb-defects if present, else synthetic-pcb). */
  data?: string;
  inputSize?: number;
  batchSize?: number;
  /** Images per run (taken from the train split, repeated if it is smaller). */
  images?: number;
  runs?: number;
  workers?: number;
  augment?: boolean;
  /** A decode-cache folder; the first run fills it, so runs after it measure cached epochs. */
  cacheDir?: string | null;
}

export interface DataRate {
  imagesPerSecond: number;
  /** Images per second of every run, in order. */
  runs: number[];
  data: string;
  workers: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function defaultBenchData(): string {
  const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
  const shared = join(repoRoot, '..', 'shared', 'datasets', 'pcb-defects');
  return existsSync(shared) ? shared : 'synthetic-pcb';
}

/** The median, over `runs`, of images per second through the whole loader (one epoch per run). */
export async function measureDataRate(options: DataRateOptions = {}): Promise<DataRate> {
  const data = options.data ?? defaultBenchData();
  const dataset = await openDataset(await resolveDataDir(data, { quiet: true }));
  const wanted = options.images ?? 1024;
  const train = dataset.splits.train;
  const samples: Sample[] = Array.from({ length: wanted }, (_, i) => train[i % train.length]);
  const workers = options.workers ?? defaultWorkerCount();
  const pool = workers > 0 ? await WorkerPool.create(workers) : undefined;
  const loader = await createLoader(samples, {
    batchSize: options.batchSize ?? 16,
    inputSize: options.inputSize ?? 96,
    shuffle: true,
    augment: options.augment ?? true,
    pool,
    workers,
    cache: options.cacheDir ?? false,
  });
  const rates: number[] = [];
  try {
    for (let run = 0; run < (options.runs ?? 5); run++) {
      const started = performance.now();
      let images = 0;
      for await (const batch of loader.epoch(run)) images += batch.labels.length;
      rates.push(images / ((performance.now() - started) / 1000));
    }
  } finally {
    await pool?.close();
  }
  return { imagesPerSecond: median(rates), runs: rates, data, workers };
}

export interface FedTraining {
  /** Images per second of training steps fed by the loader, waits for batches included. */
  imagesPerSecond: number;
  /** Median time per batch: waiting for it plus the training step (ms). */
  batchMs: number;
  /** Share of the time spent waiting for batches. */
  waitingFraction: number;
}

/**
 * Training steps fed by the worker-pool loader (augmentation on, no cache), as the trainer runs them:
 * the workers decode and augment the next batches while the step runs on the same cores. Measures
 * how long each batch is waited for; 3 warm-up batches first.
 */
export async function measureFedTraining(
  modelName: string,
  options: { data: string; inputSize: number; steps: number; workers: number; threads?: number },
): Promise<FedTraining> {
  const dataset = await openDataset(await resolveDataDir(options.data, { quiet: true }));
  const warmup = 3;
  const train = dataset.splits.train;
  const wanted = (options.steps + warmup) * 16;
  const samples = Array.from({ length: wanted }, (_, i) => train[i % train.length]);
  const pool = options.workers > 0 ? await WorkerPool.create(options.workers) : undefined;
  const loader = await createLoader(samples, {
    batchSize: 16,
    inputSize: options.inputSize,
    shuffle: true,
    augment: true,
    pool,
    workers: options.workers,
    cache: false,
  });
  setNumThreads(options.threads ?? availableParallelism());
  manualSeed(0);
  const model = buildModel(
    describeModel(modelName, {
      numClasses: Math.max(2, dataset.classNames.length),
      inputSize: options.inputSize,
      includePreprocessing: false,
    }),
  );
  const optimizer = new Adam(model.trainableParameters());
  const waits: number[] = [];
  const totals: number[] = [];
  try {
    const batches = loader.epoch(0)[Symbol.asyncIterator]();
    for (let i = 0; ; i++) {
      const started = performance.now();
      const next = await batches.next();
      const received = performance.now();
      if (next.done) break;
      tidy(() => {
        const { x, y } = batchTensors(next.value, 'nchw');
        const loss = F.crossEntropy(model.forward(x), y);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.update();
        return loss.item();
      });
      if (i >= warmup) {
        waits.push(received - started);
        totals.push(performance.now() - started);
      }
    }
  } finally {
    optimizer.dispose();
    model.dispose();
    await pool?.close();
  }
  const batchMs = median(totals);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return { imagesPerSecond: (16 * 1000) / batchMs, batchMs, waitingFraction: sum(waits) / sum(totals) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      images: { type: 'string', default: '1024' },
      runs: { type: 'string', default: '5' },
      workers: { type: 'string' },
      size: { type: 'string', default: '96' },
      'train-model': { type: 'string', default: 'xception-lite' },
      'train-steps': { type: 'string', default: '5' },
      threads: { type: 'string' },
    },
  });
  const common = {
    data: values.data,
    images: Number(values.images),
    runs: Number(values.runs),
    inputSize: Number(values.size),
  };
  const workers = values.workers === undefined ? defaultWorkerCount() : Number(values.workers);
  const format = (r: DataRate) =>
    `${r.imagesPerSecond.toFixed(0)} images/s (runs: ${r.runs.map((x) => x.toFixed(0)).join(', ')})`;
  console.log(
    `data: ${common.data ?? defaultBenchData()}, ${common.images} images per run, ${common.inputSize}×${common.inputSize}, batch 16; ` +
      `${describeWaitPolicy()}, load average ${loadavg()[0].toFixed(1)}`,
  );

  const pooled = await measureDataRate({ ...common, workers });
  console.log(`decode + augment + batch, ${workers} workers:            ${format(pooled)}`);

  // What training consumes: the same step `pareto-edge bench` times (forward, cross-entropy,
  // backward, Adam), at the same input size and batch, measured now, between the pipeline's runs.
  const trainModel = values['train-model'];
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  const training = benchModel(trainModel, {
    input: common.inputSize,
    batch: 16,
    steps: Number(values['train-steps']),
    classes: 2,
    threads,
  });
  const trainRate = training.train.imagesPerS;
  const ratio = pooled.imagesPerSecond / trainRate;
  console.log(
    `training ${trainModel}, ${training.threads} threads:          ${trainRate.toFixed(1)} images/s ` +
      `(median step ${training.train.stepMs.median.toFixed(0)} ms of ${training.train.steps}, batch 16)`,
  );
  console.log(
    `pipeline / training: ${ratio.toFixed(1)}× → ${ratio >= REQUIRED_DATA_TO_TRAINING_RATIO ? 'PASS' : 'FAIL'} ` +
      `(goal ≥ ${REQUIRED_DATA_TO_TRAINING_RATIO}×: ${pooled.imagesPerSecond.toFixed(0)} images/s delivered vs ` +
      `${trainRate.toFixed(1)} consumed; measured one after the other, not while training)`,
  );
  const fed = await measureFedTraining(trainModel, {
    data: pooled.data,
    inputSize: common.inputSize,
    steps: Number(values['train-steps']),
    workers,
    threads,
  });
  console.log(
    `training ${trainModel} fed by the loader (${workers} workers, augment): ${fed.imagesPerSecond.toFixed(1)} images/s ` +
      `(median ${fed.batchMs.toFixed(0)} ms per batch; ${(100 * fed.waitingFraction).toFixed(1)}% of the time waiting for batches)`,
  );
  const inline = await measureDataRate({ ...common, workers: 0 });
  console.log(`decode + augment + batch, main thread only:     ${format(inline)}`);
  const plain = await measureDataRate({ ...common, workers, augment: false });
  console.log(`decode + batch (evaluation), ${workers} workers:         ${format(plain)}`);
  const cacheDir = await mkdtemp(join(tmpdir(), 'pe-bench-cache-'));
  try {
    const cached = await measureDataRate({ ...common, workers, cacheDir, runs: common.runs + 1 });
    const later = { ...cached, runs: cached.runs.slice(1), imagesPerSecond: median(cached.runs.slice(1)) };
    console.log(`cached epochs (after the first) + augment, ${workers} workers: ${format(later)}`);
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
