// A seeded, stratified fraction of a data set as a folder of symbolic links (train/val/test, one
// folder per class), so every trial trains on the same smaller set through the ordinary data path.
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { ImageDataset } from '../data/index.js';
import { deriveSeed, permutation, Rng } from '../data/prng.js';

/** Writes the subset under `dir` and returns it; each class keeps at least one image per split. */
export async function writeSubset(
  dataset: ImageDataset,
  fraction: number,
  seed: number,
  dir: string,
): Promise<string> {
  for (const split of ['train', 'val', 'test'] as const) {
    const byLabel = new Map<number, string[]>();
    for (const sample of dataset.splits[split]) {
      const list = byLabel.get(sample.label) ?? [];
      list.push(sample.path);
      byLabel.set(sample.label, list);
    }
    for (const [label, files] of byLabel) {
      const className = dataset.classNames[label]!;
      const order = permutation(files.length, new Rng(deriveSeed(seed, 'subset', split, className)));
      const keep = Math.max(1, Math.ceil(files.length * fraction));
      const target = path.join(dir, split, className);
      await mkdir(target, { recursive: true });
      for (const index of order.subarray(0, keep)) {
        const file = files[index]!;
        // The position keeps names unique when two source folders hold the same file name.
        await symlink(file, path.join(target, `${index}-${path.basename(file)}`));
      }
    }
  }
  return dir;
}
