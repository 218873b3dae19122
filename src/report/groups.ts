// The report compares runs within one dataset and one setting — the paper's Table 1 is Caltech-101
// from scratch, Table 2 is PCB from scratch beside PCB pre-trained.
import type { RunSummary } from '../train/run-summary.js';
import type { LoadedRun } from './load.js';
import { displayName } from '../zoo/registry.js';
import { compareModels } from './models.js';

export interface GroupRun {
  /** Row and legend label: the model's display name, plus the run id if the model appears twice. */
  label: string;
  path: string;
  summary: RunSummary;
}

export interface RunGroup {
  dataset: string;
  setting: RunSummary['setting'];
  /** "pcb-scratch": used in file names and page anchors. */
  slug: string;
  runs: GroupRun[];
}

const SETTING_ORDER: readonly RunSummary['setting'][] = ['scratch', 'pretrained'];

export const SETTING_TITLES: Readonly<Record<RunSummary['setting'], string>> = {
  scratch: 'not pre-trained',
  pretrained: 'pre-trained',
};

/** Groups runs by dataset and setting: datasets alphabetically, from-scratch before pre-trained. */
export function groupRuns(runs: readonly LoadedRun[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const run of runs) {
    const { dataset, setting } = run.summary;
    const key = JSON.stringify([dataset, setting]);
    let group = groups.get(key);
    if (group === undefined) {
      group = { dataset, setting, slug: slugify(`${dataset}-${setting}`), runs: [] };
      groups.set(key, group);
    }
    group.runs.push({ label: displayName(run.summary.model), path: run.path, summary: run.summary });
  }
  const sorted = [...groups.values()].sort(
    (a, b) =>
      a.dataset.localeCompare(b.dataset) ||
      SETTING_ORDER.indexOf(a.setting) - SETTING_ORDER.indexOf(b.setting),
  );
  for (const group of sorted) {
    group.runs.sort(
      (a, b) => compareModels(a.summary.model, b.summary.model) || a.summary.id.localeCompare(b.summary.id),
    );
    disambiguateLabels(group.runs);
  }
  return sorted;
}

/** Every model of the experiment in display order: one colour per model across all plots. */
export function allModelLabels(groups: readonly RunGroup[]): string[] {
  const entries = groups.flatMap((group) => group.runs.map((run) => [run.summary.model, run.label] as const));
  const unique = [...new Map(entries.map(([model, label]) => [label, model])).entries()];
  return unique
    .sort(
      ([labelA, modelA], [labelB, modelB]) => compareModels(modelA, modelB) || labelA.localeCompare(labelB),
    )
    .map(([label]) => label);
}

export function slugify(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'group'
  );
}

function disambiguateLabels(runs: GroupRun[]): void {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.label, (counts.get(run.label) ?? 0) + 1);
  for (const run of runs) {
    if ((counts.get(run.label) ?? 0) > 1) run.label = `${run.label} (${run.summary.id})`;
  }
}
