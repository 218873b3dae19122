// Starting and resuming a search directory: every input is checked (family, data, budgets a candidate
// can meet) before anything is written; then the store is opened, the loop run, the reference models
// trained and the outputs written.
import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createLoader, openDataset, resolveDataDir, type Batch } from '../data/index.js';
import { setNumThreads } from '../engine/index.js';
import { runPlanned, type RunExecutor } from '../experiment/runner.js';
import { trainingView } from '../zoo/model-file.js';
import { UserInputError } from '../util/errors.js';
import { requireWritableDirectory } from '../util/output-dir.js';
import { analyseGenome, type Analysis } from './candidates.js';
import { sampleGenome } from './evolve.js';
import { inferenceLatencyMs } from './measures.js';
import { writeSearchOutputs, type SearchRecordFile } from './output.js';
import { trainReferences } from './references.js';
import { runSearch, type SearchProgress } from './search.js';
import { spaceFor } from './space.js';
import { SqliteSearchStore, type SearchStore } from './store.js';
import { SEARCH_FORMAT, type SearchSettings } from './types.js';
import { deriveSeed, Rng } from '../data/prng.js';
import { writeSubset } from './subset.js';

/** A search input the user can fix: unknown family, unreadable data, budgets nothing meets, a used folder. */
export class SearchInputError extends UserInputError {
  override name = 'SearchInputError';
}

export const STORE_FILE = 'search.db';

/** What the user asks; `data` is filled in from `sourceData` (and `subset`) when the search starts. */
export type SearchRequest = Omit<SearchSettings, 'format' | 'numClasses' | 'data'>;

export interface SessionOptions {
  /** Carries out each trial (default: `runPlanned`, training in this process). */
  execute?: RunExecutor;
  /** Opens the search's store for its directory (default: the embedded SQLite file, search.db). */
  openStore?: (dir: string) => SearchStore;
  onProgress?: (progress: SearchProgress) => void;
  /** Called before each reference model is trained. */
  onReference?: (model: string) => void;
}

/** Checks everything, then creates `dir` and runs a new search in it. */
export async function startSearch(
  dir: string,
  request: SearchRequest,
  options: SessionOptions,
): Promise<SearchRecordFile> {
  spaceFor(request.family, request.inputSizes); // an unknown family fails here, before the data is read
  if (existsSync(path.join(dir, STORE_FILE)))
    throw new SearchInputError(
      `${dir} already holds a search; continue it with --resume ${dir} or choose another --out`,
    );
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new SearchInputError(`--out ${dir} is not empty and holds no search; choose a new or empty folder`);
  if (!(request.subset > 0 && request.subset <= 1))
    throw new SearchInputError(`--subset must be a fraction in (0, 1], got ${request.subset}`);
  const sourceData = existsSync(request.sourceData) ? path.resolve(request.sourceData) : request.sourceData;
  const { numClasses, dataset } = await readData(sourceData, request.train.dropBackground);
  useThreads(request.train.threads);
  const settings: SearchSettings = {
    ...request,
    format: SEARCH_FORMAT,
    sourceData,
    data: sourceData,
    numClasses,
  };
  checkBudgetsReachable(settings);
  await requireWritableDirectory(dir, '--out');
  await mkdir(dir, { recursive: true });
  if (settings.subset < 1)
    settings.data = await writeSubset(
      dataset,
      settings.subset,
      settings.seed,
      path.resolve(dir, 'data-subset'),
    );
  const store = openStoreIn(dir, options);
  store.saveSettings(settings);
  return runIn(dir, store, options);
}

/** Continues the search in `dir` with its own settings; `budgetS` may extend its time budget. */
export async function resumeSearch(
  dir: string,
  options: SessionOptions & { budgetS?: number },
): Promise<SearchRecordFile> {
  if (!options.openStore && !existsSync(path.join(dir, STORE_FILE)))
    throw new SearchInputError(
      `--resume ${dir}: no search there (no ${STORE_FILE}); start one with --out ${dir}`,
    );
  const store = openStoreIn(dir, options);
  const settings = store.settings();
  if (!settings) {
    store.close();
    throw new SearchInputError(`--resume ${dir}: its ${STORE_FILE} holds no settings; start a new search`);
  }
  if (options.budgetS !== undefined) store.saveSettings({ ...settings, budgetS: options.budgetS });
  return runIn(dir, store, options);
}

/** The trials' thread count for what the search measures in this process too (latency, proxy). */
function useThreads(threads: number | null): void {
  if (threads !== null) setNumThreads(threads);
}

function openStoreIn(dir: string, options: SessionOptions): SearchStore {
  return options.openStore ? options.openStore(dir) : new SqliteSearchStore(path.join(dir, STORE_FILE));
}

async function runIn(dir: string, store: SearchStore, options: SessionOptions): Promise<SearchRecordFile> {
  try {
    const settings = store.settings()!;
    useThreads(settings.train.threads);
    const dataset = await readData(settings.data, settings.train.dropBackground);
    const batches = new Map<number, Promise<Batch>>();
    const proxyBatch = (inputSize: number): Promise<Batch> => {
      if (!batches.has(inputSize)) batches.set(inputSize, firstBatch(dataset.train, inputSize, settings));
      return batches.get(inputSize)!;
    };
    const outcome = await runSearch({
      dir,
      store,
      settings,
      execute: options.execute ?? runPlanned,
      proxyBatch,
      onProgress: options.onProgress,
    });
    if (settings.references)
      await trainReferences(dir, store, settings, options.execute ?? runPlanned, options.onReference);
    return await writeSearchOutputs(dir, store, outcome.front, outcome.budgetSpent);
  } finally {
    store.close();
  }
}

async function readData(data: string, dropBackground: boolean) {
  let dataset;
  try {
    dataset = await openDataset(await resolveDataDir(data, { quiet: true }), { dropBackground });
  } catch (error) {
    throw new SearchInputError(`--data ${data}: ${(error as Error).message}`);
  }
  if (dataset.splits.train.length === 0 || dataset.classNames.length < 2)
    throw new SearchInputError(
      `--data ${data}: a search needs training images in at least two class folders (found ${dataset.classNames.length} class(es), ${dataset.splits.train.length} training images)`,
    );
  return { numClasses: dataset.classNames.length, train: dataset.splits.train, dataset };
}

async function firstBatch(
  samples: Parameters<typeof createLoader>[0],
  inputSize: number,
  settings: SearchSettings,
): Promise<Batch> {
  const loader = await createLoader(samples, {
    batchSize: settings.train.batchSize,
    inputSize,
    shuffle: true,
    seed: settings.seed,
    workers: 0,
  });
  try {
    for await (const batch of loader.epoch(0)) return batch;
    throw new SearchInputError(`--data ${settings.data}: no readable training image for the proxy`);
  } finally {
    await loader.close();
  }
}

/** Candidates analysed to decide whether the budgets can be met at all. */
const REACHABILITY_SAMPLES = 100;

/**
 * Refuses budgets that no candidate meets, before anything is trained: the seeds, the space's
 * smallest genome and a seeded sample of others are analysed (free); the error names the cheapest.
 * For a latency budget, the feasible candidate with the fewest MACs is timed.
 */
export function checkBudgetsReachable(settings: SearchSettings): void {
  const space = spaceFor(settings.family, settings.inputSizes);
  const rng = new Rng(deriveSeed(settings.seed, 'reachability'));
  const smallest = Object.fromEntries(space.genes.map((g) => [g.name, g.values[0]!]));
  const genomes = [
    ...Object.values(space.seeds),
    smallest,
    ...Array.from({ length: REACHABILITY_SAMPLES }, () => sampleGenome(space, () => rng.next())),
  ];
  const analysed = genomes
    .map((g) => analyseGenome(space, g, settings))
    .filter((a): a is Analysis => !('error' in a));
  const feasible = analysed.filter((a) => a.violation === 0);
  if (feasible.length === 0) {
    const cheapest = [...analysed].sort((a, b) => a.violation - b.violation)[0]!;
    throw new SearchInputError(
      `no candidate of the ${settings.family} space meets the budgets (${describeBudgets(settings)}): the cheapest of ` +
        `${analysed.length} analysed needs ${(cheapest.peakBytes / 1e6).toFixed(1)} MB of training memory at batch ` +
        `${settings.train.batchSize} and has ${cheapest.params.toLocaleString('en-US')} parameters; raise the budgets, ` +
        `lower --batch or allow smaller --input-sizes`,
    );
  }
  if (settings.latencyBudgetMs !== null) {
    const fastest = [...feasible].sort((a, b) => a.macs - b.macs)[0]!;
    const latency = inferenceLatencyMs(trainingView(fastest.description));
    if (latency > settings.latencyBudgetMs)
      throw new SearchInputError(
        `no candidate of the ${settings.family} space meets --latency-budget ${settings.latencyBudgetMs} ms: the one ` +
          `with the fewest MACs (${(fastest.macs / 1e6).toFixed(1)} M) takes ${latency.toFixed(1)} ms per image here`,
      );
  }
}

function describeBudgets(s: SearchSettings): string {
  const parts = [
    s.memoryBudgetBytes !== null ? `memory ${(s.memoryBudgetBytes / 1e6).toFixed(1)} MB` : null,
    s.paramBudget !== null ? `${s.paramBudget.toLocaleString('en-US')} parameters` : null,
  ].filter(Boolean);
  return parts.join(', ') || 'none';
}
