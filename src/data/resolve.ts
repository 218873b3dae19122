// What a "data DIR" argument means. Besides a folder, two names are understood:
//   synthetic-pcb[:binary|:six-class][:TRAIN,VAL,TEST][:defect-scale=K]  the built-in generated PCB
//                                        set (generated once, then reused), optionally with its images
//                                        per split and its defects drawn K times larger
//   caltech101                           the copy fetched by `pareto-edge data fetch caltech101`
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defaultCacheRoot } from './cache-dir.js';
import { DataError } from './errors.js';
import { DATASET_REGISTRY, datasetDir } from './fetch/registry.js';
import { createProgress } from './progress.js';
import { requireDirectory } from './scan.js';
import {
  DEFAULT_SYNTH_OPTIONS,
  SYNTH_VERSION,
  validateSynthOptions,
  writeSyntheticPcb,
  type SynthOptions,
  type SynthTask,
} from './synth/generate.js';

export const SYNTHETIC_PCB = 'synthetic-pcb';

export interface ResolveOptions {
  /** Root of pareto-edge's data cache (default: $PARETO_EDGE_CACHE or ~/.cache/pareto-edge). */
  cacheDir?: string;
  /** Overrides for the synthetic set (size, counts, seed); the spec's task and counts come first. */
  synth?: Partial<Omit<SynthOptions, 'task' | 'onProgress'>>;
  /** No progress output. */
  quiet?: boolean;
}

export function isSyntheticSpec(spec: string): boolean {
  return spec === SYNTHETIC_PCB || spec.startsWith(`${SYNTHETIC_PCB}:`);
}

type SyntheticSpec = Partial<Pick<SynthOptions, 'counts' | 'defectScale'>> & { task: SynthTask };

/** The task and, when the spec names them, the images per split and the defect scale of a synthetic spec. */
function parseSyntheticSpec(spec: string): SyntheticSpec {
  const [, ...parts] = spec.split(':');
  const parsed: SyntheticSpec = { task: 'binary' };
  for (const part of parts) {
    const numbers = /^(\d+),(\d+),(\d+)$/.exec(part);
    const defectScale = /^defect-scale=(\d+(?:\.\d+)?)$/.exec(part);
    if (part === 'binary' || part === 'six-class') parsed.task = part;
    else if (numbers)
      parsed.counts = { train: Number(numbers[1]), val: Number(numbers[2]), test: Number(numbers[3]) };
    else if (defectScale) parsed.defectScale = Number(defectScale[1]);
    else {
      throw new DataError(
        `unknown part '${part}' in '${spec}': use synthetic-pcb[:binary|:six-class][:TRAIN,VAL,TEST][:defect-scale=K], e.g. synthetic-pcb:six-class or synthetic-pcb:2400,200,200`,
      );
    }
  }
  return parsed;
}

/** Where a synthetic set with these options lives in the cache (its name records the options). */
function syntheticDir(cacheRoot: string, options: Required<Omit<SynthOptions, 'onProgress'>>): string {
  const { train, val, test } = options.counts;
  // The realistic set keeps the name it always had, so existing caches stay valid.
  const bold = options.defectScale === 1 ? '' : `-defects${options.defectScale}x`;
  const name = `${options.task}-${options.size}px-${train}-${val}-${test}${bold}-seed${options.seed}-v${SYNTH_VERSION}`;
  return join(cacheRoot, 'datasets', SYNTHETIC_PCB, name);
}

/**
 * Turns a data spec into a folder that openDataset() reads. `synthetic-pcb` generates the default set
 * into the cache on first use (atomically: an interrupted run leaves no half set) and reuses it after.
 */
export async function resolveDataDir(spec: string, options: ResolveOptions = {}): Promise<string> {
  const cacheRoot = resolve(options.cacheDir ?? defaultCacheRoot());
  if (isSyntheticSpec(spec)) {
    const synth = { ...DEFAULT_SYNTH_OPTIONS, ...options.synth, ...parseSyntheticSpec(spec) };
    validateSynthOptions(synth);
    const dir = syntheticDir(cacheRoot, synth);
    const complete = await access(join(dir, 'manifest.json')).then(
      () => true,
      () => false,
    );
    if (!complete) {
      const total = synth.counts.train + synth.counts.val + synth.counts.test;
      const progress = createProgress(`generating ${spec}`, { total, quiet: options.quiet });
      try {
        await writeSyntheticPcb(dir, { ...synth, onProgress: (done) => progress.update(done) });
      } finally {
        progress.stop();
      }
    }
    return dir;
  }
  const entry = DATASET_REGISTRY[spec];
  if (entry) {
    const dir = datasetDir(cacheRoot, entry);
    const present = await access(dir).then(
      () => true,
      () => false,
    );
    if (!present) {
      throw new DataError(
        `${spec} is not in the cache (${dir}): download it with 'pareto-edge data fetch ${spec}', ` +
          `or pass --data DIR pointing at a local copy of ${entry.folder}`,
      );
    }
    return dir;
  }
  const dir = resolve(spec);
  await requireDirectory(dir, 'data folder');
  return dir;
}
