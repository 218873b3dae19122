// The data pipeline's public face. A trainer needs three calls:
//   const dir = await resolveDataDir('synthetic-pcb' | 'caltech101' | '/path/to/folder');
//   const dataset = await openDataset(dir, { splitFile: `${runDir}/split.json` });
//   const loaders = await createLoaders(dataset, { batchSize: 16, inputSize: 96 });
//   for await (const batch of loaders.train.epoch(e)) { ... }   // batch.images: Float32Array
//   await loaders.close();
export { resolveDataDir, isSyntheticSpec, SYNTHETIC_PCB, type ResolveOptions } from './resolve.js';
export {
  openDataset,
  classCounts,
  matchClasses,
  CALTECH_BACKGROUND_CLASS,
  type ImageDataset,
  type OpenDatasetOptions,
} from './dataset.js';
export { createLoaders, skippedImages, type LoaderSet, type SkippedImages } from './loaders.js';
export { createLoader, DataLoader, type LoaderOptions, type LoaderSummary } from './loader.js';
export { WorkerPool, defaultWorkerCount } from './worker-pool.js';
export {
  FLIP_AUGMENTATION,
  PAPER_AUGMENTATION,
  augmentationOf,
  type AugmentConfig,
  type AugmentSetting,
} from './augment.js';
export { DEFAULT_SPLIT_RATIOS, DEFAULT_SPLIT_SEED, type SplitRatios, type SplitRecord } from './split.js';
export { defaultCacheRoot } from './cache-dir.js';
export { DataError } from './errors.js';
export {
  SPLIT_NAMES,
  type Batch,
  type Layout,
  type AspectMode,
  type Sample,
  type SplitName,
  type ImageSize,
} from './types.js';
export { writeSyntheticPcb, renderPcbSample, type SynthOptions, type SynthTask } from './synth/generate.js';
export { checkDataset, type CheckReport } from './check/check-dataset.js';
export { fetchDataset, registryEntry } from './fetch/fetch-dataset.js';
export { DATASET_REGISTRY, type DatasetEntry } from './fetch/registry.js';
export { writePreview } from './preview.js';
export { expandImagePaths } from './image-paths.js';
