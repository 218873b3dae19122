// The three loaders a training run needs, sharing one worker pool: train shuffles and augments;
// val and test keep file order and never augment (evaluation sees the images as they are).
import { relative } from 'node:path';
import type { ImageDataset } from './dataset.js';
import { SPLIT_NAMES, type SplitName } from './types.js';
import { DataLoader, createLoader, type LoaderOptions } from './loader.js';
import { WorkerPool, defaultWorkerCount } from './worker-pool.js';

export interface LoaderSet {
  train: DataLoader;
  val: DataLoader;
  test: DataLoader;
  /**
   * The training images without augmentation, for BatchNorm recalibration. Shuffled (seeded) so each
   * batch mixes the classes as training batches did: batches of one class, as file order gives, would
   * average only within-class variances and understate the variance the weights were trained with.
   */
  trainAsIs: DataLoader;
  /** Stops the shared worker pool. */
  close(): Promise<void>;
}

/** The files left out of a run because they could not be read: what run.json records. */
export interface SkippedImages {
  count: number;
  /** Paths relative to the data folder. */
  files: { split: SplitName; path: string; reason: string }[];
}

/** Every file the train, val and test loaders have found unreadable so far, each once. */
export function skippedImages(loaders: LoaderSet, root: string): SkippedImages {
  const files = SPLIT_NAMES.flatMap((split) =>
    loaders[split]
      .summary()
      .skipped.map(({ path, reason }) => ({ split, path: relative(root, path), reason })),
  );
  return { count: files.length, files };
}

/**
 * `options.augment` and `options.shuffle` apply to train only (defaults: the paper's augmentation and
 * shuffling on); val and test are always unshuffled, unaugmented and keep their last partial batch.
 */
export async function createLoaders(dataset: ImageDataset, options: LoaderOptions): Promise<LoaderSet> {
  const workers = options.workers ?? defaultWorkerCount();
  const ownPool = !options.pool && workers > 0 ? await WorkerPool.create(workers) : null;
  const pool = options.pool ?? ownPool ?? undefined;
  const shared = { ...options, pool, workers: pool ? pool.size : 0 };
  const evaluation = { ...shared, shuffle: false, augment: false, dropLast: false };
  const train = await createLoader(dataset.splits.train, {
    ...shared,
    shuffle: options.shuffle ?? true,
    augment: options.augment ?? true,
    requireEveryClass: dataset.classNames,
  });
  const val = await createLoader(dataset.splits.val, evaluation);
  const test = await createLoader(dataset.splits.test, evaluation);
  const trainAsIs = await createLoader(dataset.splits.train, { ...evaluation, shuffle: true });
  return {
    train,
    val,
    test,
    trainAsIs,
    close: async () => {
      await ownPool?.close();
    },
  };
}
