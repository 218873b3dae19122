// The project's own default data: a seeded, procedurally generated PCB defect set written as a
// pre-split image folder (train/ val/ test/, one folder per class), like the paper's PCB set.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { publishDirectory } from '../../util/atomic-write.js';
import { DataError } from '../errors.js';
import { Rng, deriveSeed } from '../prng.js';
import { SPLIT_NAMES, type SplitName } from '../types.js';
import { DEFECT_TYPES, enlargeDefect, planDefect, type DefectEdit, type DefectType } from './defects.js';
import { VIEW } from './geometry.js';
import { generateLayout } from './layout.js';
import { renderBoard } from './render.js';

/** Bump when the images for a given seed change, so cached copies are regenerated. */
export const SYNTH_VERSION = 3;

export type SynthTask = 'binary' | 'six-class';

/** Folder names; sorted order gives label 0 = no defect, 1 = defect. */
const BINARY_CLASSES = ['0_no_defect', '1_defect'] as const;

export interface SynthOptions {
  task: SynthTask;
  /** Image side in pixels. */
  size: number;
  /** Images per split (spread evenly over the classes). */
  counts: Record<SplitName, number>;
  seed: number;
  /** Defects drawn this many times larger than the published set's (default 1: realistic; see enlargeDefect). */
  defectScale?: number;
  onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_SYNTH_OPTIONS: Required<Omit<SynthOptions, 'onProgress'>> = {
  task: 'binary',
  size: 96,
  counts: { train: 800, val: 200, test: 200 },
  seed: 7,
  defectScale: 1,
};

/** The largest --defect-scale: beyond it a defect covers much of the board. */
export const MAX_DEFECT_SCALE = 4;

export interface SynthSample {
  pixels: Uint8Array;
  size: number;
  defect: DefectEdit | null;
  /** How many layouts were drawn before one offered a site for the defect (0 = the first). */
  layoutRetries: number;
}

export interface SampleOptions {
  /** The defect to put in, or null for a clean board. */
  defect: DefectType | null;
  /**
   * Clean boards only: draw layouts until one offers a site for this defect type, exactly as a
   * defective board of that type does, so both classes come from the same layout distribution and
   * "the layout has room for a short" cannot give the label away.
   */
  siteFor?: DefectType | null;
  size: number;
  /** See SynthOptions.defectScale (default 1). */
  defectScale?: number;
}

/**
 * One image: a layout, then (if asked) the defect, then the rendering, each from its own random
 * stream. So the defective and the clean image of one seed (with siteFor = its type) share layout,
 * lighting and noise, and differ only around the defect.
 */
export function renderPcbSample(seed: number, options: SampleOptions): SynthSample {
  const type = options.defect ?? options.siteFor ?? null;
  const layoutRng = new Rng(deriveSeed(seed, 'layout'));
  for (let retries = 0; ; retries++) {
    const layout = generateLayout(layoutRng);
    const edit = type ? planDefect(type, layout, new Rng(deriveSeed(seed, 'defect', retries))) : null;
    if (type && !edit) continue; // no site for this defect in this layout: draw another layout
    const applied = options.defect && edit ? enlargeDefect(edit, options.defectScale ?? 1, layout) : null;
    const pixels = renderBoard(layout, applied, new Rng(deriveSeed(seed, 'render')), { size: options.size });
    return { pixels, size: options.size, defect: applied, layoutRetries: retries };
  }
}

function classNamesFor(task: SynthTask): string[] {
  return task === 'binary' ? [...BINARY_CLASSES] : [...DEFECT_TYPES];
}

export interface SynthManifest {
  generator: 'pareto-edge synthetic-pcb';
  version: number;
  task: SynthTask;
  size: number;
  seed: number;
  defectScale: number;
  counts: Record<SplitName, number>;
  classNames: string[];
  /** Per image: path relative to the root, class, defect type and its position in pixels. */
  files: { path: string; className: string; defect: DefectType | null; at: [number, number] | null }[];
}

interface PlannedImage {
  split: SplitName;
  className: string;
  defect: DefectType | null;
  siteFor: DefectType;
  seed: number;
  path: string;
}

function plan(options: SynthOptions): PlannedImage[] {
  const classNames = classNamesFor(options.task);
  const images: PlannedImage[] = [];
  for (const split of SPLIT_NAMES) {
    const n = options.counts[split];
    const perClass = classNames.map(
      (_, c) => Math.floor(n / classNames.length) + (c < n % classNames.length ? 1 : 0),
    );
    classNames.forEach((className, c) => {
      // Binary: the six types in equal shares, in a seeded order; defect-free boards get a type too
      // (siteFor), so both classes draw their layouts from the same distribution.
      const types = Array.from({ length: perClass[c] }, (_, i) => DEFECT_TYPES[i % DEFECT_TYPES.length]);
      new Rng(deriveSeed(options.seed, 'types', split, className)).shuffle(types);
      for (let i = 0; i < perClass[c]; i++) {
        const type = options.task === 'six-class' ? (className as DefectType) : types[i];
        const defect = options.task === 'binary' && c === 0 ? null : type;
        const name = `${split}_${className}_${String(i).padStart(5, '0')}.png`;
        const seed = deriveSeed(options.seed, split, className, i);
        images.push({ split, className, defect, siteFor: type, seed, path: `${split}/${className}/${name}` });
      }
    });
  }
  return images;
}

export function validateSynthOptions(options: SynthOptions): void {
  if (!Number.isInteger(options.size) || options.size < 16 || options.size > 1024) {
    throw new DataError(
      `--size ${options.size} is out of range: use a side between 16 and 1024 pixels (e.g. 96)`,
    );
  }
  const defectScale = options.defectScale ?? 1;
  if (!(defectScale >= 1 && defectScale <= MAX_DEFECT_SCALE)) {
    throw new DataError(
      `defect scale ${defectScale} is out of range: use a factor from 1 (realistic) to ${MAX_DEFECT_SCALE}`,
    );
  }
  const classes = classNamesFor(options.task).length;
  for (const split of SPLIT_NAMES) {
    const n = options.counts[split];
    if (!Number.isInteger(n) || n < classes) {
      throw new DataError(
        `--count for ${split} is ${n}: give at least ${classes} (one image per class) per split`,
      );
    }
  }
}

/** Writes the set to `outDir` (replacing it only once the new set is complete). */
export async function writeSyntheticPcb(outDir: string, options: SynthOptions): Promise<SynthManifest> {
  validateSynthOptions(options);
  const defectScale = options.defectScale ?? DEFAULT_SYNTH_OPTIONS.defectScale;
  const classNames = classNamesFor(options.task);
  const images = plan(options);
  const manifest: SynthManifest = {
    generator: 'pareto-edge synthetic-pcb',
    version: SYNTH_VERSION,
    task: options.task,
    size: options.size,
    seed: options.seed,
    defectScale,
    counts: options.counts,
    classNames,
    files: [],
  };
  await publishDirectory(outDir, async (dir) => {
    for (const split of SPLIT_NAMES)
      for (const name of classNames) await mkdir(join(dir, split, name), { recursive: true });
    const writing = new Set<Promise<void>>();
    let done = 0;
    for (const image of images) {
      const sample = renderPcbSample(image.seed, {
        defect: image.defect,
        siteFor: image.siteFor,
        size: options.size,
        defectScale,
      });
      const scale = options.size / VIEW;
      const at = sample.defect
        ? ([sample.defect.at.x * scale, sample.defect.at.y * scale] as [number, number])
        : null;
      manifest.files.push({ path: image.path, className: image.className, defect: image.defect, at });
      const write = sharp(sample.pixels, { raw: { width: options.size, height: options.size, channels: 3 } })
        .png({ compressionLevel: 6 })
        .toFile(join(dir, image.path))
        .then(() => {
          writing.delete(write);
          options.onProgress?.(++done, images.length);
        });
      writing.add(write);
      // Rendering is synchronous; keep a few encodes running on sharp's threads meanwhile.
      if (writing.size >= 8) await Promise.race(writing);
    }
    await Promise.all(writing);
    // Written last: its presence marks a complete set.
    await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  });
  return manifest;
}
