// `pareto-edge data check DIR`: what is in a data set, and whether its splits leak. Every image is
// decoded once (for its size and perceptual hashes); then each val/test image is compared, under all
// 8 flips and 90° turns, with every image of the earlier splits. A published set built by augmenting
// and then splitting can hold copies of a test image in train — a model is then tested on what it saw.
import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import { classCounts, openDataset, type OpenDatasetOptions } from '../dataset.js';
import { readAndDecode } from '../image-file.js';
import { SPLIT_NAMES, type SplitName } from '../types.js';
import { DIHEDRAL_NAMES, fingerprint, hamming, type ImageFingerprint } from './phash.js';

export interface CheckOptions extends OpenDatasetOptions {
  /** Largest pHash Hamming distance (of 64 bits) counted as a near-duplicate (default 4). */
  threshold?: number;
  /** Also match flipped and 90°-rotated copies (default true). */
  dihedral?: boolean;
  /** Images decoded at once (default 8; sharp spreads them over libuv's threads). */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
  /** How many example pairs to keep in the report (default 20). */
  examples?: number;
}

export interface SizeStats {
  min: number;
  median: number;
  max: number;
}

export interface DuplicatePair {
  split: SplitName;
  path: string;
  label: string;
  otherSplit: SplitName;
  otherPath: string;
  otherLabel: string;
  distance: number;
  transform: string;
  identicalBytes: boolean;
}

export interface LeakSummary {
  /** e.g. "val→train": images of `split` with a near-duplicate in `otherSplit`. */
  split: SplitName;
  otherSplit: SplitName;
  images: number;
  withDuplicate: number;
  sameLabel: number;
  identicalBytes: number;
}

export interface CheckReport {
  root: string;
  layout: 'class-per-folder' | 'pre-split';
  classNames: string[];
  notes: string[];
  counts: Record<SplitName, Record<string, number>>;
  totals: Record<SplitName, number>;
  images: {
    total: number;
    readable: number;
    width: SizeStats | null;
    height: SizeStats | null;
    formats: Record<string, number>;
  };
  unreadable: { path: string; reason: string }[];
  duplicates: {
    hash: 'pHash (64-bit DCT)';
    threshold: number;
    dihedral: boolean;
    leaks: LeakSummary[];
    examples: DuplicatePair[];
  };
  seconds: number;
}

interface Entry {
  split: SplitName;
  path: string;
  label: number;
  print: ImageFingerprint | null;
  sha1: string;
}

function stats(values: number[]): SizeStats | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
}

export async function checkDataset(dir: string, options: CheckOptions = {}): Promise<CheckReport> {
  const started = performance.now();
  const dataset = await openDataset(dir, options);
  const threshold = options.threshold ?? 4;
  const dihedral = options.dihedral ?? true;
  const entries: Entry[] = SPLIT_NAMES.flatMap((split) =>
    dataset.splits[split].map((s) => ({ split, path: s.path, label: s.label, print: null, sha1: '' })),
  );
  const unreadable: CheckReport['unreadable'] = [];

  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < entries.length) {
      const entry = entries[next++];
      try {
        entry.print = await readAndDecode(entry.path, (bytes) => {
          entry.sha1 = createHash('sha1').update(bytes).digest('hex');
          return fingerprint(bytes);
        });
      } catch (error) {
        unreadable.push({ path: entry.path, reason: (error as Error).message });
      }
      options.onProgress?.(++done, entries.length);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));

  const readable = entries.filter((e) => e.print);
  const formats: Record<string, number> = {};
  for (const e of readable) formats[e.print!.format] = (formats[e.print!.format] ?? 0) + 1;

  const leaks: LeakSummary[] = [];
  const pairs: DuplicatePair[] = [];
  const bySplit = (split: SplitName) => readable.filter((e) => e.split === split);
  const comparisons: [SplitName, SplitName][] = [
    ['val', 'train'],
    ['test', 'train'],
    ['test', 'val'],
  ];
  for (const [split, otherSplit] of comparisons) {
    const queries = bySplit(split);
    const references = bySplit(otherSplit);
    if (queries.length === 0 || references.length === 0) continue;
    const summary: LeakSummary = {
      split,
      otherSplit,
      images: queries.length,
      withDuplicate: 0,
      sameLabel: 0,
      identicalBytes: 0,
    };
    const bytes = new Map(references.map((r) => [r.sha1, r]));
    for (const query of queries) {
      // A byte-identical file is the closest match there can be; otherwise the nearest pHash.
      const copy = bytes.get(query.sha1);
      const match = copy
        ? { entry: copy, distance: 0, variant: 0 }
        : nearest(query, references, dihedral ? 8 : 1);
      if (!match || match.distance > threshold) continue;
      summary.withDuplicate++;
      if (match.entry.label === query.label) summary.sameLabel++;
      const identicalBytes = match.entry.sha1 === query.sha1;
      if (identicalBytes) summary.identicalBytes++;
      pairs.push({
        split,
        path: relative(dataset.root, query.path),
        label: dataset.classNames[query.label],
        otherSplit,
        otherPath: relative(dataset.root, match.entry.path),
        otherLabel: dataset.classNames[match.entry.label],
        distance: match.distance,
        transform: DIHEDRAL_NAMES[match.variant],
        identicalBytes,
      });
    }
    leaks.push(summary);
  }

  const counts = classCounts(dataset);
  const namedCounts = {} as CheckReport['counts'];
  const totals = {} as CheckReport['totals'];
  for (const split of SPLIT_NAMES) {
    namedCounts[split] = Object.fromEntries(dataset.classNames.map((name, i) => [name, counts[split][i]]));
    totals[split] = dataset.splits[split].length;
  }
  pairs.sort((a, b) => a.distance - b.distance || (a.path < b.path ? -1 : 1));
  return {
    root: dataset.root,
    layout: dataset.layout,
    classNames: dataset.classNames,
    notes: dataset.notes,
    counts: namedCounts,
    totals,
    images: {
      total: entries.length,
      readable: readable.length,
      width: stats(readable.map((e) => e.print!.width)),
      height: stats(readable.map((e) => e.print!.height)),
      formats,
    },
    unreadable: unreadable.map((u) => ({ ...u, path: relative(dataset.root, u.path) })),
    duplicates: {
      hash: 'pHash (64-bit DCT)',
      threshold,
      dihedral,
      leaks,
      examples: pairs.slice(0, options.examples ?? 20),
    },
    seconds: (performance.now() - started) / 1000,
  };
}

/** The reference nearest to `query` under any of its first `variants` pHash variants. */
function nearest(
  query: Entry,
  references: Entry[],
  variants: number,
): { entry: Entry; distance: number; variant: number } | null {
  let best: { entry: Entry; distance: number; variant: number } | null = null;
  const hashes = query.print!.pHash.slice(0, variants);
  for (const reference of references) {
    const target = reference.print!.pHash[0];
    for (let v = 0; v < hashes.length; v++) {
      const distance = hamming(hashes[v], target);
      if (!best || distance < best.distance) best = { entry: reference, distance, variant: v };
    }
    if (best && best.distance === 0) break;
  }
  return best;
}
