// What a search leaves beside its store: front/<k>.json (descriptions any command takes as --model),
// and search.json, the whole record in one file (settings, generations, candidates, proxy correlation,
// reference models). Both are rewritten after every generation.
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomic } from '../util/atomic-write.js';
import { kendallTau } from './kendall.js';
import { decode, spaceFor } from './space.js';
import { isTrained, scoresOf } from './promotion.js';
import type { SearchStore } from './store.js';
import { SEARCH_FORMAT, type CandidateRecord, type SearchSettings } from './types.js';

export interface ProxyCorrelation {
  proxy: 'grad-norm';
  /** Kendall τ-b of the proxy against validation accuracy after the first rung, over `pairs` trained candidates. */
  kendallTau: number | null;
  /** The same for the parameter count: the baseline any proxy should beat. */
  paramsKendallTau: number | null;
  pairs: number;
  rungEpochs: number;
}

export function proxyCorrelation(
  candidates: readonly CandidateRecord[],
  settings: SearchSettings,
): ProxyCorrelation {
  const scored = candidates.filter((c) => c.rungs.length > 0 && c.proxy !== null);
  const accuracy = scored.map((c) => c.rungs[0]!.valAcc);
  return {
    proxy: 'grad-norm',
    kendallTau: kendallTau(
      scored.map((c) => c.proxy!),
      accuracy,
    ),
    paramsKendallTau: kendallTau(
      scored.map((c) => c.params),
      accuracy,
    ),
    pairs: scored.length,
    rungEpochs: settings.rungs[0]!,
  };
}

export interface SearchRecordFile {
  format: typeof SEARCH_FORMAT;
  settings: SearchSettings;
  budgetSpent: boolean;
  generations: { index: number; hypervolume: number; frontSize: number; spentS: number; trials: number }[];
  front: { file: string; hash: string; name: string }[];
  proxy: ProxyCorrelation;
  candidates: CandidateRecord[];
  references: ReturnType<SearchStore['references']>;
  updatedAt: string;
}

/** Writes front/ (replacing the previous front) and search.json from the store. */
export async function writeSearchOutputs(
  dir: string,
  store: SearchStore,
  front: readonly CandidateRecord[],
  budgetSpent: boolean,
): Promise<SearchRecordFile> {
  const settings = store.settings()!;
  const space = spaceFor(settings.family, settings.inputSizes);
  const frontDir = path.join(dir, 'front');
  await mkdir(frontDir, { recursive: true });
  for (const old of await readdir(frontDir)) if (old.endsWith('.json')) await rm(path.join(frontDir, old));
  const ordered = [...front].sort(
    (a, b) =>
      scoresOf(b, settings.objective).accuracy! - scoresOf(a, settings.objective).accuracy! ||
      a.hash.localeCompare(b.hash),
  );
  const files: SearchRecordFile['front'] = [];
  for (const [index, record] of ordered.entries()) {
    const file = path.join('front', `${index + 1}.json`);
    const description = {
      ...decode(space, record.genome, { numClasses: settings.numClasses }),
      name: record.name,
    };
    await writeJsonAtomic(path.join(dir, file), description);
    files.push({ file, hash: record.hash, name: record.name });
  }
  const candidates = store.candidates();
  const record: SearchRecordFile = {
    format: SEARCH_FORMAT,
    settings,
    budgetSpent,
    generations: store.generations().map((g) => ({
      index: g.index,
      hypervolume: g.hypervolume,
      frontSize: g.front.length,
      spentS: g.spentS,
      trials: g.trials,
    })),
    front: files,
    proxy: proxyCorrelation(candidates.filter(isTrained), settings),
    candidates,
    references: store.references(),
    updatedAt: new Date().toISOString(),
  };
  await writeJsonAtomic(path.join(dir, 'search.json'), record);
  return record;
}
