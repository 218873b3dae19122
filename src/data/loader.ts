// The loader: an async iterator over the batches of one epoch. Batch order is a seeded shuffle per
// epoch; each image's augmentation is seeded by (seed, epoch, its index), so a run is reproducible and
// independent of the number of workers. Only `prefetch` batches are ever in flight, so memory stays
// bounded however large the data set is (images are read from disk, never all held in memory).
import { PAPER_AUGMENTATION, type AugmentConfig } from './augment.js';
import { runBatchJob, type BatchJob, type BatchJobResult } from './batch-job.js';
import { defaultDecodeCacheDir } from './cache-dir.js';
import { DataError } from './errors.js';
import { Rng, deriveSeed, permutation } from './prng.js';
import {
  toImageSize,
  type AspectMode,
  type Batch,
  type ImageSize,
  type Layout,
  type Sample,
} from './types.js';
import { WorkerPool, defaultWorkerCount } from './worker-pool.js';

export interface LoaderOptions {
  batchSize: number;
  /** The model's input: a side, [height, width] or {height, width}. */
  inputSize: number | [number, number] | ImageSize;
  aspect?: AspectMode;
  /** 'nchw' (default) or 'nhwc' (channels_last). */
  layout?: Layout;
  /** Shuffle per epoch (default: false). */
  shuffle?: boolean;
  /** true = the paper's augmentation; an AugmentConfig for another one; false/undefined = none. */
  augment?: boolean | AugmentConfig;
  /** Seed of the shuffles and augmentations (default 0). */
  seed?: number;
  /** Worker threads (default: available cores); 0 decodes and augments on the calling thread. */
  workers?: number;
  /** A pool to share with other loaders (then `workers` is ignored and close() leaves it open). */
  pool?: WorkerPool;
  /** Batches in flight (default: 2 per worker, at least 2). */
  prefetch?: number;
  /** Cache decoded, resized images on disk: true = the default cache folder, or a folder. */
  cache?: boolean | string;
  /** Drop a last, smaller batch. */
  dropLast?: boolean;
  /** Called once per unreadable file (default: a line on stderr). */
  onWarning?: (message: string) => void;
  /**
   * The class names (by label) of a training split: the loader throws a DataError as soon as every
   * image of one class has proved unreadable, since a model cannot learn a class it never sees.
   */
  requireEveryClass?: readonly string[];
}

export interface LoaderSummary {
  images: number;
  /** Files that could not be decoded and were left out of their batches. */
  skipped: { path: string; reason: string }[];
}

export class DataLoader {
  readonly batchSize: number;
  readonly size: ImageSize;
  private readonly skipped = new Map<string, string>();
  /** Per label: its images, and how many of them proved unreadable (for requireEveryClass). */
  private readonly perLabel = new Map<number, { images: number; skipped: number }>();

  constructor(
    readonly samples: readonly Sample[],
    private readonly options: LoaderOptions,
    private readonly pool: WorkerPool | null,
    private readonly ownsPool: boolean,
  ) {
    validateLoaderOptions(options);
    this.batchSize = options.batchSize;
    this.size = toImageSize(options.inputSize);
    for (const { label } of samples) {
      const counts = this.perLabel.get(label) ?? { images: 0, skipped: 0 };
      counts.images++;
      this.perLabel.set(label, counts);
    }
  }

  get batchesPerEpoch(): number {
    const n = this.samples.length / this.batchSize;
    return this.options.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** The sample order of one epoch (positions into `samples`). */
  order(epoch: number): Int32Array {
    if (!this.options.shuffle) return Int32Array.from(this.samples.keys());
    return permutation(this.samples.length, new Rng(deriveSeed(this.options.seed ?? 0, 'shuffle', epoch)));
  }

  async *epoch(epoch: number): AsyncGenerator<Batch, void, undefined> {
    const order = this.order(epoch);
    const batches = this.batchesPerEpoch;
    const prefetch = Math.max(1, this.options.prefetch ?? Math.max(2, 2 * (this.pool?.size ?? 1)));
    const inFlight: Promise<BatchJobResult>[] = [];
    let next = 0;
    const launch = () => {
      const job = this.job(order.subarray(next * this.batchSize, (next + 1) * this.batchSize), epoch);
      const promise = this.pool ? this.pool.run(job) : runBatchJob(job);
      promise.catch(() => undefined); // surfaced when awaited; avoid unhandled rejections on early exit
      inFlight.push(promise);
      next++;
    };
    while (next < batches && inFlight.length < prefetch) launch();
    while (inFlight.length > 0) {
      const result = await inFlight.shift()!;
      if (next < batches) launch();
      this.noteFailures(result.failures);
      if (result.labels.length === 0) continue;
      yield this.toBatch(result);
    }
  }

  private job(positions: Int32Array, epoch: number): BatchJob {
    const seed = this.options.seed ?? 0;
    const augment = this.options.augment === true ? PAPER_AUGMENTATION : this.options.augment || null;
    const cache = this.options.cache === true ? defaultDecodeCacheDir() : this.options.cache || null;
    const indices = Array.from(positions);
    return {
      paths: indices.map((i) => this.samples[i].path),
      labels: indices.map((i) => this.samples[i].label),
      indices,
      seeds: indices.map((i) => deriveSeed(seed, 'augment', epoch, i)),
      size: this.size,
      aspect: this.options.aspect ?? 'stretch',
      layout: this.options.layout ?? 'nchw',
      augment: augment ? { ...augment } : null,
      cacheDir: cache,
    };
  }

  private toBatch(result: BatchJobResult): Batch {
    const n = result.labels.length;
    const { height, width } = this.size;
    const layout = this.options.layout ?? 'nchw';
    const shape: Batch['shape'] = layout === 'nchw' ? [n, 3, height, width] : [n, height, width, 3];
    return { images: result.images, labels: result.labels, shape, layout, indices: result.indices };
  }

  private noteFailures(failures: BatchJobResult['failures']): void {
    for (const { path, label, reason } of failures) {
      if (this.skipped.has(path)) continue;
      this.skipped.set(path, reason);
      const warn =
        this.options.onWarning ?? ((message: string) => process.stderr.write(`warning: ${message}\n`));
      warn(`skipping unreadable image ${path}: ${reason}`);
      const counts = this.perLabel.get(label)!;
      counts.skipped++;
      if (counts.skipped === counts.images && this.options.requireEveryClass)
        throw this.unreadableClass(label, this.options.requireEveryClass[label] ?? String(label));
    }
  }

  private unreadableClass(label: number, className: string): DataError {
    const files = this.samples.filter((sample) => sample.label === label);
    const shown = files.slice(0, 3).map((sample) => `${sample.path}: ${this.skipped.get(sample.path)}`);
    return new DataError(
      `no training image of class '${className}' can be read (${files.length} unreadable: ${shown.join('; ')}` +
        `${files.length > 3 ? '; …' : ''}): a model cannot learn a class it never sees; ` +
        'replace the images or remove the class folder',
    );
  }

  summary(): LoaderSummary {
    return {
      images: this.samples.length,
      skipped: [...this.skipped].map(([path, reason]) => ({ path, reason })),
    };
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool?.close();
  }
}

function validateLoaderOptions(options: LoaderOptions): void {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new DataError(`batch size ${options.batchSize} is invalid: use a positive integer such as 16`);
  }
  const size = toImageSize(options.inputSize);
  if (!(
    Number.isInteger(size.height) &&
    Number.isInteger(size.width) &&
    size.height >= 1 &&
    size.width >= 1
  )) {
    throw new DataError(
      `input size ${JSON.stringify(options.inputSize)} is invalid: use e.g. 96 or [96, 96]`,
    );
  }
}

export async function createLoader(samples: readonly Sample[], options: LoaderOptions): Promise<DataLoader> {
  validateLoaderOptions(options);
  if (options.pool) return new DataLoader(samples, options, options.pool, false);
  const workers = options.workers ?? defaultWorkerCount();
  const pool = workers > 0 ? await WorkerPool.create(workers) : null;
  return new DataLoader(samples, options, pool, true);
}
