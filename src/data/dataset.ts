// Opening an image-folder data set: either one folder per class (the project splits it, stratified
// and seeded) or train/ val/ test/ folders that each hold one folder per class (the PCB layout).
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DataError } from './errors.js';
import { compareNames, isDirectory, listSubdirectories, requireDirectory, scanClassFolders } from './scan.js';
import {
  DEFAULT_SPLIT_RATIOS,
  DEFAULT_SPLIT_SEED,
  readSplitFile,
  splitsFromRecord,
  stratifiedSplit,
  toSplitRecord,
  writeSplitFile,
  type SplitRatios,
  type SplitRecord,
  type Splits,
} from './split.js';
import { SPLIT_NAMES, type SplitName } from './types.js';

/** Caltech-101's clutter class, which most papers drop. */
export const CALTECH_BACKGROUND_CLASS = 'BACKGROUND_Google';

export interface OpenDatasetOptions {
  /** Class-per-folder only: train/val/test fractions (default 0.7/0.15/0.15). */
  ratios?: SplitRatios;
  /** Seed of the split (default 42). */
  seed?: number;
  /** Leave Caltech-101's BACKGROUND_Google out. */
  dropBackground?: boolean;
  /** Other class folders to leave out. */
  excludeClasses?: readonly string[];
  /**
   * Where the split is recorded. If the file exists it is read and used as is (a run reproduced);
   * otherwise the split is made and written there (temp file + rename).
   */
  splitFile?: string;
  /** Pre-split layout without val/: the fraction of train held out as val (default 0.15). */
  valFromTrain?: number;
}

export interface ImageDataset {
  /** The folder that holds the class folders (or the train/val/test folders). */
  root: string;
  layout: 'class-per-folder' | 'pre-split';
  classNames: string[];
  splits: Splits;
  /** The split as written to the split file. */
  record: SplitRecord;
  splitFile: string | null;
  /** Things a person should know (classes missing from a split, where the split came from). */
  notes: string[];
}

const VAL_ALIASES = ['val', 'valid', 'validation'];
const SPLIT_FOLDERS = ['train', 'test', ...VAL_ALIASES];

export async function openDataset(dir: string, options: OpenDatasetOptions = {}): Promise<ImageDataset> {
  let root = resolve(dir);
  await requireDirectory(root, 'data folder');
  // Accept the folder that the Caltech-101 archive extracts to, as well as the class folder itself.
  if (await isDirectory(join(root, '101_ObjectCategories'))) root = join(root, '101_ObjectCategories');

  const excluded = [...(options.excludeClasses ?? [])];
  if (options.dropBackground) excluded.push(CALTECH_BACKGROUND_CLASS);

  const subdirs = await listSubdirectories(root);
  const splitFolders = subdirs.filter((name) => SPLIT_FOLDERS.includes(name));
  // train/ with val/ or test/, or nothing but split folders (a lone test/ handed over for evaluation).
  const preSplit =
    (subdirs.includes('train') && splitFolders.length > 1) ||
    (splitFolders.length > 0 && splitFolders.length === subdirs.length);
  const dataset = preSplit
    ? await openPreSplit(root, subdirs, excluded, options)
    : await openClassPerFolder(root, excluded, options);

  if (options.splitFile) return await applySplitFile(dataset, resolve(options.splitFile));
  return dataset;
}

async function openClassPerFolder(
  root: string,
  excluded: string[],
  options: OpenDatasetOptions,
): Promise<ImageDataset> {
  const { classNames, filesByClass } = await scanClassFolders(root, { exclude: excluded });
  const ratios = options.ratios ?? DEFAULT_SPLIT_RATIOS;
  const seed = options.seed ?? DEFAULT_SPLIT_SEED;
  const splits = stratifiedSplit(classNames, filesByClass, ratios, seed);
  const base = { layout: 'class-per-folder' as const, classNames, excludedClasses: excluded, seed, ratios };
  return {
    root,
    layout: 'class-per-folder',
    classNames,
    splits,
    record: toSplitRecord(root, base, splits),
    splitFile: null,
    notes: [
      `split made here: seed ${seed}, ratios ${ratios.train}/${ratios.val}/${ratios.test}, stratified by class`,
    ],
  };
}

async function openPreSplit(
  root: string,
  subdirs: string[],
  excluded: string[],
  options: OpenDatasetOptions,
): Promise<ImageDataset> {
  const folderOf: Partial<Record<SplitName, string>> = {};
  if (subdirs.includes('train')) folderOf.train = 'train';
  const valFolder = VAL_ALIASES.find((v) => subdirs.includes(v));
  if (valFolder) folderOf.val = valFolder;
  if (subdirs.includes('test')) folderOf.test = 'test';

  const scanned: Partial<Record<SplitName, { classNames: string[]; filesByClass: string[][] }>> = {};
  for (const split of SPLIT_NAMES) {
    const folder = folderOf[split];
    if (folder)
      scanned[split] = await scanClassFolders(join(root, folder), {
        exclude: excluded,
        what: `${split} folder`,
      });
  }
  // Without train/, the classes are those of the split folders present.
  const classNames =
    scanned.train?.classNames ??
    [...new Set(SPLIT_NAMES.flatMap((split) => scanned[split]?.classNames ?? []))].sort(compareNames);
  const notes: string[] = [];
  for (const split of ['val', 'test'] as const) {
    const other = scanned[split];
    if (!other || !scanned.train) continue;
    const unknown = other.classNames.filter((name) => !classNames.includes(name));
    if (unknown.length > 0) {
      throw new DataError(
        `${split} folder has class${unknown.length > 1 ? 'es' : ''} ${unknown.join(', ')} that train/ does not: ` +
          `a model cannot learn a class it never sees in training; add it to train/ or remove it from ${split}/`,
      );
    }
    const missing = classNames.filter((name) => !other.classNames.includes(name));
    if (missing.length > 0)
      notes.push(`${split}/ has no folder for class${missing.length > 1 ? 'es' : ''} ${missing.join(', ')}`);
  }

  const splits: Splits = { train: [], val: [], test: [] };
  for (const split of SPLIT_NAMES) {
    const found = scanned[split];
    if (!found) continue;
    found.classNames.forEach((name, i) => {
      const label = classNames.indexOf(name);
      for (const path of found.filesByClass[i]) splits[split].push({ path, label });
    });
  }

  let seed: number | null = null;
  let ratios: SplitRatios | null = null;
  if (!folderOf.train) notes.push('no train/ folder: the train split is empty');
  else if (!folderOf.val) {
    // No val/ folder: hold out part of train, stratified and seeded like a class-per-folder split.
    const fraction = options.valFromTrain ?? 0.15;
    seed = options.seed ?? DEFAULT_SPLIT_SEED;
    ratios = { train: 1 - fraction, val: fraction, test: 0 };
    const carved = stratifiedSplit(classNames, scanned.train!.filesByClass, ratios, seed);
    splits.train = carved.train;
    splits.val = carved.val;
    notes.push(`no val/ folder: ${Math.round(fraction * 100)}% of train/ held out as val (seed ${seed})`);
  }
  if (!folderOf.test) notes.push('no test/ folder: the test split is empty');

  const base = { layout: 'pre-split' as const, classNames, excludedClasses: excluded, seed, ratios };
  return {
    root,
    layout: 'pre-split',
    classNames,
    splits,
    record: toSplitRecord(root, base, splits),
    splitFile: null,
    notes,
  };
}

/** Reuses an existing split file (checking it still matches the folder) or writes a new one. */
async function applySplitFile(dataset: ImageDataset, splitFile: string): Promise<ImageDataset> {
  const exists = await access(splitFile).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await writeSplitFile(splitFile, dataset.record);
    return { ...dataset, splitFile, notes: [...dataset.notes, `split written to ${splitFile}`] };
  }
  const record = await readSplitFile(splitFile);
  if (record.classNames.join('\n') !== dataset.classNames.join('\n')) {
    throw new DataError(
      `split file ${splitFile} lists classes [${preview(record.classNames)}] but ${dataset.root} has ` +
        `[${preview(dataset.classNames)}]: use the data the split was made for, or delete the split file to make a new one`,
    );
  }
  const splits = splitsFromRecord(record, dataset.root);
  const present = new Set(SPLIT_NAMES.flatMap((s) => dataset.splits[s].map((sample) => sample.path)));
  const missing = SPLIT_NAMES.flatMap((s) => splits[s]).filter((sample) => !present.has(sample.path));
  if (missing.length > 0) {
    throw new DataError(
      `split file ${splitFile} lists ${missing.length} image(s) not found in ${dataset.root} (first: ${missing[0].path}): ` +
        `the data changed since the split was written; restore it, or delete the split file to make a new split`,
    );
  }
  const listed = SPLIT_NAMES.reduce((n, s) => n + splits[s].length, 0);
  const notes = [`split read from ${splitFile}`];
  if (listed < present.size)
    notes.push(`${present.size - listed} image(s) in the folder are not in the split file and are not used`);
  return { ...dataset, splits, record: { ...record, root: dataset.root }, splitFile, notes };
}

function preview(names: string[]): string {
  return names.length > 6 ? `${names.slice(0, 6).join(', ')}, … (${names.length})` : names.join(', ');
}

/** Images per class in each split: counts[split][label]. */
export function classCounts(
  dataset: Pick<ImageDataset, 'classNames' | 'splits'>,
): Record<SplitName, number[]> {
  const counts = {} as Record<SplitName, number[]>;
  for (const split of SPLIT_NAMES) {
    counts[split] = dataset.classNames.map(() => 0);
    for (const sample of dataset.splits[split]) counts[split][sample.label]++;
  }
  return counts;
}

/**
 * The data set with its labels renumbered to `classNames` (a trained model's classes), matched by
 * name; a class the model does not know, or one of its classes with no folder here, is a DataError.
 */
export function matchClasses(dataset: ImageDataset, classNames: readonly string[]): ImageDataset {
  const extra = dataset.classNames.filter((name) => !classNames.includes(name));
  const missing = classNames.filter((name) => !dataset.classNames.includes(name));
  if (extra.length > 0 || missing.length > 0) {
    const problems = [
      ...(extra.length > 0 ? [`class folder(s) ${preview(extra)} that the model was not trained on`] : []),
      ...(missing.length > 0 ? [`no folder for the model's class(es) ${preview(missing)}`] : []),
    ];
    throw new DataError(
      `${dataset.root} has ${problems.join(' and ')}; the model knows [${preview([...classNames])}]: ` +
        'name the class folders as in training',
    );
  }
  const labelOf = dataset.classNames.map((name) => classNames.indexOf(name));
  const splits = {} as Splits;
  for (const split of SPLIT_NAMES)
    splits[split] = dataset.splits[split].map((sample) => ({ ...sample, label: labelOf[sample.label] }));
  return { ...dataset, classNames: [...classNames], splits };
}
