// The three loaders a training run needs, sharing one worker pool: train shuffles and augments;
// val and test keep file order and never augment (evaluation sees the images as they are).
import type { ImageDataset } from './dataset.js';
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
