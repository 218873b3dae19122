// `pareto-edge data synth|preview|check|fetch`: make, look at, check and download data sets.
import { access, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { formatCheckReport } from '../data/check/format.js';
import { checkDataset } from '../data/check/check-dataset.js';
import { openDataset } from '../data/dataset.js';
import { fetchDataset, registryEntry } from '../data/fetch/fetch-dataset.js';
import { createProgress } from '../data/progress.js';
import { writePreview } from '../data/preview.js';
import { resolveDataDir } from '../data/resolve.js';
import type { SplitRatios } from '../data/split.js';
import {
  DEFAULT_SYNTH_OPTIONS,
  MAX_DEFECT_SCALE,
  writeSyntheticPcb,
  type SynthTask,
} from '../data/synth/generate.js';
import type { AspectMode, SplitName } from '../data/types.js';
import { UsageError } from './errors.js';
import { integer, positiveNumber } from './parse.js';
import { requireWritableDirectory } from '../util/output-dir.js';

/** "800,200,200" = train,val,test; a single N means N for train and N/4 each for val and test. */
export function parseCounts(value: string): Record<SplitName, number> {
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (parts.some((n) => !Number.isInteger(n) || n < 0) || (parts.length !== 1 && parts.length !== 3)) {
    throw new UsageError(
      `--count '${value}' is not understood: give TRAIN,VAL,TEST (e.g. 800,200,200) or one number for train`,
    );
  }
  if (parts.length === 1)
    return { train: parts[0], val: Math.round(parts[0] / 4), test: Math.round(parts[0] / 4) };
  return { train: parts[0], val: parts[1], test: parts[2] };
}

export function parseRatios(value: string): SplitRatios {
  const parts = value.split(',').map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) {
    throw new UsageError(
      `--ratios '${value}' is not understood: give TRAIN,VAL,TEST fractions, e.g. 0.7,0.15,0.15`,
    );
  }
  return { train: parts[0], val: parts[1], test: parts[2] };
}

const datasetOptions = (command: Command) =>
  command
    .option('--drop-background', "leave out Caltech-101's BACKGROUND_Google class")
    .option(
      '--ratios <train,val,test>',
      'split fractions for a folder of class folders (default 0.7,0.15,0.15)',
      parseRatios,
    )
    .option('--split-seed <n>', 'seed of that split (default 42)', integer({ min: 0 }))
    .option('--split-file <file>', 'read the split from this file if it exists, else write it there');

interface DatasetFlags {
  dropBackground?: boolean;
  ratios?: SplitRatios;
  splitSeed?: number;
  splitFile?: string;
}

function openOptions(flags: DatasetFlags) {
  return {
    dropBackground: flags.dropBackground,
    ratios: flags.ratios,
    seed: flags.splitSeed,
    splitFile: flags.splitFile,
  };
}

/** Where the commands print their results (tests pass their own). */
export interface DataCommandOutput {
  stdout: (text: string) => void;
}

const processOutput: DataCommandOutput = { stdout: (text) => void process.stdout.write(text) };

export function registerData(program: Command, output: DataCommandOutput = processOutput): void {
  const data = program
    .command('data')
    .description('make, look at, check and download image data sets')
    .addHelpText(
      'after',
      '\nA data DIR is a folder of class folders, a folder with train/ val/ test/ (each of class folders),\n' +
        "or one of the names 'synthetic-pcb' (built-in generated PCB defects; 'synthetic-pcb:six-class' for\n" +
        "the six defect types, 'synthetic-pcb:2400,200,200' for that many train, val and test images) and\n" +
        "'caltech101' (after 'pareto-edge data fetch caltech101').",
    );

  data
    .command('synth')
    .description('write the synthetic PCB defect set (pre-split image folder)')
    .requiredOption('--out <dir>', 'folder to write (replaced only if it is an earlier synthetic set)')
    .addOption(
      new Option('--task <task>', 'binary defect/no-defect, or the six defect types')
        .choices(['binary', 'six-class'])
        .default('binary'),
    )
    .option('--size <px>', 'image side in pixels', integer({ min: 16 }), DEFAULT_SYNTH_OPTIONS.size)
    .addOption(
      new Option('--count <train,val,test>', 'images per split')
        .argParser(parseCounts)
        .default(DEFAULT_SYNTH_OPTIONS.counts, Object.values(DEFAULT_SYNTH_OPTIONS.counts).join(',')),
    )
    .option('--seed <n>', 'generator seed', integer({ min: 0 }), DEFAULT_SYNTH_OPTIONS.seed)
    .option(
      '--defect-scale <k>',
      `draw every defect k times larger (1: the published set's sizes; at most ${MAX_DEFECT_SCALE})`,
      positiveNumber,
      DEFAULT_SYNTH_OPTIONS.defectScale,
    )
    .option('--quiet', 'no progress output')
    .action(
      async (flags: {
        out: string;
        task: SynthTask;
        size: number;
        count: Record<SplitName, number>;
        seed: number;
        defectScale: number;
        quiet?: boolean;
      }) => {
        const out = resolve(flags.out);
        await refuseForeignFolder(out);
        await requireWritableDirectory(out, '--out');
        const total = flags.count.train + flags.count.val + flags.count.test;
        const progress = createProgress('generating', { total, quiet: flags.quiet });
        const started = performance.now();
        try {
          const manifest = await writeSyntheticPcb(out, {
            task: flags.task,
            size: flags.size,
            counts: flags.count,
            seed: flags.seed,
            defectScale: flags.defectScale,
            onProgress: (done) => progress.update(done),
          });
          progress.stop();
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          output.stdout(
            `wrote ${manifest.files.length} images (${flags.task}, ${flags.size}px, classes ${manifest.classNames.join(', ')}) ` +
              `to ${out} in ${seconds} s\n`,
          );
        } finally {
          progress.stop();
        }
      },
    );

  datasetOptions(
    data
      .command('preview')
      .description('write a PNG grid of augmented samples: each row an image, plain then augmented')
      .argument('<data>', 'data DIR, synthetic-pcb or caltech101')
      .requiredOption('--out <file>', 'PNG file to write')
      .addOption(
        new Option('--split <split>', 'which split').choices(['train', 'val', 'test']).default('train'),
      )
      .option('--samples <n>', 'rows (images)', integer(), 8)
      .option('--variants <n>', 'augmented draws per image', integer({ min: 0 }), 5)
      .option('--size <px>', 'model input side', integer({ min: 8 }), 96)
      .addOption(
        new Option('--aspect <mode>', 'fit to the input')
          .choices(['stretch', 'center-crop'])
          .default('stretch'),
      )
      .option('--seed <n>', 'augmentation seed', integer({ min: 0 }), 0),
  ).action(
    async (
      spec: string,
      flags: DatasetFlags & {
        out: string;
        split: SplitName;
        samples: number;
        variants: number;
        size: number;
        aspect: AspectMode;
        seed: number;
      },
    ) => {
      await requireWritableDirectory(dirname(resolve(flags.out)), '--out');
      const dataset = await openDataset(await resolveDataDir(spec), openOptions(flags));
      const result = await writePreview(dataset, { ...flags, out: resolve(flags.out) });
      output.stdout(
        `wrote ${result.out} (${result.width}×${result.height}): ${result.rows.length} images, first column unaugmented\n` +
          result.rows.map((r, i) => `  row ${i + 1}: ${r.className}  ${r.path}\n`).join(''),
      );
      for (const path of result.skipped) process.stderr.write(`warning: skipped unreadable image ${path}\n`);
    },
  );

  datasetOptions(
    data
      .command('check')
      .description('class counts, image sizes, unreadable files and near-duplicates across splits')
      .argument('<data>', 'data DIR, synthetic-pcb or caltech101')
      .option('--json', 'print the report as JSON')
      .option(
        '--threshold <bits>',
        'pHash Hamming distance counted as near-duplicate',
        integer({ min: 0 }),
        4,
      )
      .option('--no-dihedral', 'do not match flipped or 90°-rotated copies')
      .option('--examples <n>', 'closest pairs kept in the report', integer({ min: 0 }), 20)
      .option('--quiet', 'no progress output'),
  ).action(
    async (
      spec: string,
      flags: DatasetFlags & {
        json?: boolean;
        threshold: number;
        dihedral: boolean;
        examples: number;
        quiet?: boolean;
      },
    ) => {
      const dir = await resolveDataDir(spec, { quiet: flags.quiet });
      const progress = createProgress('checking', { total: 1, quiet: flags.quiet || flags.json });
      try {
        const report = await checkDataset(dir, {
          ...openOptions(flags),
          threshold: flags.threshold,
          dihedral: flags.dihedral,
          examples: flags.examples,
          onProgress: (done, total) => progress.update(done, total),
        });
        progress.stop();
        output.stdout(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCheckReport(report)}\n`);
      } finally {
        progress.stop();
      }
    },
  );

  data
    .command('fetch')
    .description('download a real data set into the cache (resumable, checksummed) and unpack it')
    .argument('<name>', 'caltech101')
    .option('--cache <dir>', 'cache folder (default $PARETO_EDGE_CACHE or ~/.cache/pareto-edge)')
    .option('--keep-archive', 'keep the downloaded archive after unpacking')
    .option('--quiet', 'no progress output')
    .action(async (name: string, flags: { cache?: string; keepArchive?: boolean; quiet?: boolean }) => {
      const entry = registryEntry(name);
      const result = await fetchDataset(entry, {
        cacheDir: flags.cache,
        keepArchive: flags.keepArchive,
        quiet: flags.quiet,
      });
      const what = result.status === 'present' ? 'already in the cache' : 'fetched';
      output.stdout(`${name} ${what}: ${result.dir}\n(use it as --data ${name}, or --data ${result.dir})\n`);
    });
}

/** `data synth --out DIR` must not replace a folder that holds something else. */
async function refuseForeignFolder(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return; // does not exist: fine
  }
  if (entries.length === 0) return;
  const isSynthetic = await access(join(dir, 'manifest.json')).then(
    () => true,
    () => false,
  );
  if (!isSynthetic) {
    throw new UsageError(
      `--out ${dir} exists and is not a synthetic-pcb set: choose a new or empty folder (nothing was written)`,
    );
  }
}
