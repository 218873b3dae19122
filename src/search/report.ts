// `pareto-edge report SEARCH_DIR`: one self-contained report.html from search.json: the hypervolume
// over generations, accuracy against memory and against time (the paper's models on the same axes
// when the search trained them), the genes of the front, how large a front chance alone would give
// (chance.ts), and the proxy's rank correlation.
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { namespaceSvgIds, renderSvg } from '../report/charts/render.js';
import { escapeHtml } from '../report/html-escape.js';
import { displayName } from '../zoo/registry.js';
import type { SearchRecordFile } from './output.js';
import { chanceFront } from './chance.js';
import { costsAt, isFullyTrained, isTrained } from './promotion.js';
import { spaceFor } from './space.js';
import { SEARCH_FORMAT, type CandidateRecord, type RungResult } from './types.js';
import { dominates, type Objective } from '../pareto/index.js';
import { SearchInputError } from './session.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

export async function readSearchRecord(dir: string): Promise<SearchRecordFile> {
  const file = path.join(dir, 'search.json');
  let record: SearchRecordFile;
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as SearchRecordFile;
  } catch (error) {
    throw new SearchInputError(`${file} cannot be read as JSON (${(error as Error).message})`);
  }
  if (record.format !== SEARCH_FORMAT)
    throw new SearchInputError(
      `${file} is not a pareto-edge search record (format ${String(record.format)})`,
    );
  return record;
}

interface Point {
  name: string;
  kind: 'front' | 'candidate' | 'paper model';
  accuracy: number;
  memoryMB: number;
  time: number;
}

/** Writes DIR/report/report.html; returns its path. */
export async function writeSearchReport(dir: string, outDir = path.join(dir, 'report')): Promise<string> {
  const r = await readSearchRecord(dir);
  const latency = r.settings.objective === 'latency';
  const timeTitle = latency ? 'Inference latency (ms, batch 1)' : 'Epoch time (s)';
  const onFront = new Set(r.front.map((f) => f.hash));
  const trained = r.candidates.filter(isTrained);
  const last = (c: CandidateRecord) => c.rungs[c.rungs.length - 1]!;
  const lastRung = r.settings.rungs[r.settings.rungs.length - 1]!;
  // Only candidates trained as long as the reference models share their axes with them.
  const comparable = trained.filter((c) => last(c).epochs === lastRung);
  const points: Point[] = [
    ...comparable.map((c) => ({
      name: c.name,
      kind: onFront.has(c.hash) ? ('front' as const) : ('candidate' as const),
      accuracy: last(c).valAcc * 100,
      memoryMB: c.peakBytes / 1e6,
      time: latency ? c.latencyMs! : last(c).meanEpochS,
    })),
    ...r.references.flatMap((ref) =>
      ref.result
        ? [
            {
              name: displayName(ref.model),
              kind: 'paper model' as const,
              accuracy: ref.result.valAcc * 100,
              memoryMB: ref.peakBytes / 1e6,
              time: latency ? (ref.latencyMs ?? NaN) : ref.result.meanEpochS,
            },
          ]
        : [],
    ),
  ].filter((p) => Number.isFinite(p.time));
  const figures = await Promise.all([
    renderSvg(hypervolumeSpec(r)),
    renderSvg(scatterSpec(points, 'memoryMB', 'Peak training memory (MB, predicted)', lastRung)),
    renderSvg(scatterSpec(points, 'time', timeTitle, lastRung)),
  ]);
  const html = page(
    r,
    figures.map((svg, i) => namespaceSvgIds(svg, `f${i}`)),
    trained,
  );
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, 'report.html');
  await writeFile(file, html);
  return file;
}

function hypervolumeSpec(r: SearchRecordFile): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: { text: 'Hypervolume of the front over generations', subtitle: 'fraction of the reference box' },
    width: 420,
    height: 240,
    data: { values: r.generations.map((g) => ({ generation: g.index, hypervolume: g.hypervolume })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'generation', type: 'quantitative', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'hypervolume', type: 'quantitative', title: 'Hypervolume' },
    },
  };
}

function scatterSpec(points: Point[], x: 'memoryMB' | 'time', title: string, epochs: number): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: {
      text: `Validation accuracy vs ${title.split(' (')[0]!.toLowerCase()}`,
      subtitle: `after ${epochs} epoch(s)`,
    },
    width: 420,
    height: 280,
    data: { values: points },
    layer: [
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x: { field: x, type: 'quantitative', title, scale: { zero: false } },
          y: {
            field: 'accuracy',
            type: 'quantitative',
            title: 'Validation accuracy (%)',
            scale: { zero: false },
          },
          color: { field: 'kind', type: 'nominal', title: null },
          shape: { field: 'kind', type: 'nominal', title: null },
          tooltip: [{ field: 'name' }, { field: 'accuracy' }, { field: x }],
        },
      },
      {
        // Only the paper's models are labelled: the front's names are in the table above.
        transform: [{ filter: "datum.kind === 'paper model'" }],
        mark: { type: 'text', dx: 6, align: 'left', fontSize: 10 },
        encoding: {
          x: { field: x, type: 'quantitative' },
          y: { field: 'accuracy', type: 'quantitative' },
          text: { field: 'name' },
        },
      },
    ],
  };
}

function page(r: SearchRecordFile, figures: string[], trained: CandidateRecord[]): string {
  const s = r.settings;
  const space = spaceFor(s.family, s.inputSizes);
  const byHash = new Map(r.candidates.map((c) => [c.hash, c]));
  const genes = space.genes.map((g) => g.name);
  const frontRows = r.front.map((f) => {
    const c = byHash.get(f.hash)!;
    const rung = c.rungs[c.rungs.length - 1]!;
    return [
      f.file,
      c.name,
      `${(rung.valAcc * 100).toFixed(1)}% (${rung.epochs} ep)`,
      rung.testAcc === null ? '–' : `${(rung.testAcc * 100).toFixed(1)}%`,
      `${(c.peakBytes / 1e6).toFixed(1)}`,
      c.params.toLocaleString('en-US'),
      s.objective === 'latency' ? `${c.latencyMs!.toFixed(1)} ms` : `${rung.meanEpochS.toFixed(2)} s`,
      ...genes.map((g) => String(c.genome[g])),
    ];
  });
  const header = [
    'file',
    'name',
    'val acc',
    'test acc',
    'memory (MB)',
    'params',
    s.objective === 'latency' ? 'latency' : 'epoch time',
    ...genes,
  ];
  const table = (head: string[], rows: string[][]) =>
    `<table><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>${rows
      .map((row) => `<tr>${row.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`)
      .join('')}</table>`;
  const tau = (v: number | null) => (v === null ? 'not defined (fewer than two ranked pairs)' : v.toFixed(3));
  // Which candidates trained as long as the references beat them on what the issue compares:
  // test accuracy, measured peak tensor memory and epoch time (all measured the same way).
  const objectives: Objective[] = [
    { key: 'testAcc', direction: 'max', label: 'test accuracy' },
    { key: 'peak', direction: 'min', label: 'measured peak' },
    { key: 'epochS', direction: 'min', label: 'epoch time' },
  ];
  const lastRung = s.rungs[s.rungs.length - 1]!;
  const measured = (result: RungResult) => ({
    testAcc: result.testAcc ?? 0,
    peak: result.peakTensorBytes,
    epochS: result.meanEpochS,
  });
  const dominators = (result: RungResult) =>
    trained
      .filter((c) => c.rungs.length > 0 && c.rungs[c.rungs.length - 1]!.epochs === lastRung)
      .filter((c) => dominates(measured(c.rungs[c.rungs.length - 1]!), measured(result), objectives))
      .map((c) => c.name);
  const refs = r.references.map((ref) => [
    `${displayName(ref.model)}${ref.overBudget ? ' (over the memory budget)' : ''}`,
    ref.result ? `${(ref.result.valAcc * 100).toFixed(1)}%` : (ref.excluded ?? 'not trained'),
    ref.result?.testAcc == null ? '–' : `${(ref.result.testAcc * 100).toFixed(1)}%`,
    (ref.peakBytes / 1e6).toFixed(1),
    ref.result ? `${ref.result.meanEpochS.toFixed(2)} s` : '–',
    ref.result ? `${(ref.result.peakTensorBytes / 1e6).toFixed(1)}` : '–',
    ref.result ? dominators(ref.result).join(', ') || 'none' : '–',
  ]);
  const budget = [
    s.memoryBudgetBytes !== null ? `memory ≤ ${(s.memoryBudgetBytes / 1e6).toFixed(1)} MB` : null,
    s.latencyBudgetMs !== null ? `latency ≤ ${s.latencyBudgetMs} ms` : null,
    s.paramBudget !== null ? `params ≤ ${s.paramBudget.toLocaleString('en-US')}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return `<!doctype html><html><head><meta charset="utf-8"><title>pareto-edge search: ${escapeHtml(s.family)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}figure{display:inline-block;margin:0 1em 1em 0}</style></head><body>
<h1>Search of the ${escapeHtml(s.family)} space</h1>
<p>Data ${escapeHtml(s.sourceData)}${s.subset < 1 ? ` (a seeded ${s.subset} of each split)` : ''} (${s.numClasses} classes), input ${escapeHtml(s.inputSizes.join('/'))} px, batch ${s.train.batchSize}, seed ${s.seed}; budgets: ${escapeHtml(budget || 'none')}, ${(s.budgetS / 60).toFixed(0)} min of evaluation${r.budgetSpent ? ' (spent)' : ''}. Population ${s.populationSize}, rungs ${s.rungs.join(', ')} epochs keeping ${s.keepFraction} per rung, proxy pre-filter keeping ${s.proxyKeep}. ${r.generations.length} generations, ${trained.length} candidates trained, ${r.candidates.length} analysed.</p>
<h2>Front</h2>${table(header, frontRows)}
<p>Each file is a model description: <code>pareto-edge train --model ${escapeHtml(path.join('SEARCH_DIR', r.front[0]?.file ?? 'front/1.json'))} --data … --input ${Math.max(...s.inputSizes)}</code>.</p>
${figures.map((svg) => `<figure>${svg}</figure>`).join('\n')}
<h2>The paper's models at the same settings</h2>
${r.references.length > 0 ? table(['model', 'val acc', 'test acc', 'memory (MB, predicted)', 'epoch time', 'measured peak (MB)', 'dominated by (test acc, measured peak, epoch time)'], refs) : '<p>Not trained in this search (pass <code>--references</code>).</p>'}
<h2>How much of the front chance explains</h2>
${chanceSection(r)}
<h2>Proxy</h2>
<p>Grad-norm proxy against validation accuracy after ${r.proxy.rungEpochs} epoch(s), over ${r.proxy.pairs} trained candidates: Kendall τ ${escapeHtml(tau(r.proxy.kendallTau))}; the parameter count alone: τ ${escapeHtml(tau(r.proxy.paramsKendallTau))}.</p>
</body></html>
`;
}

/** The front's size against the fronts of the same costs with the accuracies shuffled (chance.ts). */
function chanceSection(r: SearchRecordFile): string {
  const rungs = r.settings.rungs.length;
  const complete = r.candidates.filter((c) => isFullyTrained(c, rungs));
  if (complete.length < 2) return '<p>Fewer than two networks were trained through every rung.</p>';
  const chance = chanceFront(complete.map((c) => costsAt(c, r.settings.objective)));
  const percent = (share: number) => `${(100 * share).toFixed(0)}%`;
  const verdict =
    chance.atLeastObserved <= 0.05
      ? 'Chance gives a front this large in at most 5% of the permutations: accuracy trades against cost in this space.'
      : chance.atMostObserved <= 0.05
        ? 'Chance gives a front this small in at most 5% of the permutations: a few networks are at once among the most accurate and the cheapest.'
        : 'A front of this size is what accuracy differences within the validation set’s noise give on these costs: it shows no trade-off between accuracy and cost that chance could not have made.';
  return `<p>Of the ${complete.length} networks trained through every rung, ${chance.observed} ${chance.observed === 1 ? 'is' : 'are'} non-dominated. With their validation accuracies shuffled among them (${chance.permutations} seeded permutations; memory and time kept), the front holds ${chance.mean.toFixed(2)} on average: at least ${chance.observed} in ${percent(chance.atLeastObserved)} of the permutations and at most ${chance.observed} in ${percent(chance.atMostObserved)}. ${escapeHtml(verdict)}</p>`;
}
