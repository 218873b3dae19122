// `pareto-edge report`: the whole report of one experiment — report.html with everything inlined, each
// figure also as figures/<id>.svg and .png, each table as tables/<id>.csv and .md.
import { join, resolve } from 'node:path';
import { analyseGroup, type GroupAnalysis, type TradeOffView } from './analysis.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { requireWritableDirectory } from '../util/output-dir.js';
import { accuracyCurvesSpec, memoryCurvesSpec } from './charts/curves.js';
import { namespaceSvgIds, renderSvg, svgToPng } from './charts/render.js';
import { modelPalette, type ModelPalette } from './charts/theme.js';
import { tradeOffSpec } from './charts/trade-off.js';
import { ReportInputError } from './errors.js';
import { allModelLabels, groupRuns, slugify, type RunGroup } from './groups.js';
import { escapeHtml } from './html-escape.js';
import type { Experiment } from './load.js';
import { methodSection } from './method.js';
import { DEFAULT_OBJECTIVES, metricSlug, parseObjectives, type RunMetric } from './metrics.js';
import { displayName } from '../zoo/registry.js';
import { DEFAULT_BASELINE } from './models.js';
import { renderPage } from './page.js';
import { tableToCsv, tableToHtml, tableToMarkdown, type Table } from './table.js';
import { groupTitle, paretoTable, resultsTable, transferTable } from './tables.js';
import { formatValue } from './units.js';

export interface ReportOptions {
  /** Where to write; EXP_DIR/report by default. */
  outDir?: string;
  /** "accuracy,memory,epoch-time" (see parseObjectives) or parsed metrics; the first is the plots' y axis. */
  objectives?: string | readonly RunMetric[];
  /** Accuracy frontier of the quadrant view, a fraction; the paper's 0.7 by default. */
  accuracyFrontier?: number;
  /** Memory frontier of the quadrant view in bytes; the midpoint of min and max by default. */
  memoryFrontier?: number | null;
  /** Model the tables' ↑/↓ compare against; the paper's Xception by default. */
  baseline?: string;
}

export interface ReportResult {
  outDir: string;
  htmlPath: string;
  /** Every file written, absolute paths, report.html last. */
  files: string[];
  analyses: GroupAnalysis[];
}

interface Figure {
  id: string;
  caption: string;
  svg: string;
}

export async function writeReport(
  experiment: Experiment,
  options: ReportOptions = {},
): Promise<ReportResult> {
  const outDir = resolve(options.outDir ?? join(experiment.dir, 'report'));
  await requireWritableDirectory(outDir, '--out');
  const summaries = experiment.runs.map((run) => run.summary);
  const objectives =
    typeof options.objectives === 'string' || options.objectives === undefined
      ? parseObjectives(options.objectives ?? DEFAULT_OBJECTIVES, summaries)
      : [...options.objectives];
  checkFrontiers(options);
  const baseline = options.baseline ?? DEFAULT_BASELINE;

  const groups = groupRuns(experiment.runs);
  const palette = modelPalette(allModelLabels(groups));
  const analyses = groups.map((group) =>
    analyseGroup(group, {
      objectives,
      accuracyFrontier: options.accuracyFrontier,
      memoryFrontier: options.memoryFrontier,
    }),
  );

  const files: string[] = [];
  const numbers = { table: 0, figure: 0 };
  const writeTable = async (table: Table): Promise<string> => {
    for (const [extension, text] of [
      ['csv', tableToCsv(table)],
      ['md', tableToMarkdown(table)],
    ] as const) {
      const path = join(outDir, 'tables', `${table.id}.${extension}`);
      await writeFileAtomic(path, text);
      files.push(path);
    }
    return tableToHtml(table);
  };
  const writeFigure = async (figure: Figure): Promise<string> => {
    const svgPath = join(outDir, 'figures', `${figure.id}.svg`);
    const pngPath = join(outDir, 'figures', `${figure.id}.png`);
    await writeFileAtomic(svgPath, figure.svg);
    await writeFileAtomic(pngPath, await svgToPng(figure.svg));
    files.push(svgPath, pngPath);
    return figureHtml(figure);
  };

  const sections: string[] = [];
  for (const dataset of [...new Set(groups.map((group) => group.dataset))]) {
    const parts: string[] = [`<h2 id="${escapeHtml(slugify(dataset))}">${escapeHtml(dataset)}</h2>`];
    const datasetGroups = analyses.filter((analysis) => analysis.group.dataset === dataset);
    for (const analysis of datasetGroups) {
      const group = analysis.group;
      parts.push(`<section id="${group.slug}"><h3>${escapeHtml(groupTitle(group))}</h3>`);
      parts.push(await writeTable(resultsTable(group, baseline, (numbers.table += 1))));
      const curves = [
        curveFigure(group, palette, 'accuracy', (numbers.figure += 1)),
        curveFigure(group, palette, 'memory', (numbers.figure += 1)),
      ];
      parts.push(
        `<div class="figures">${(await Promise.all((await Promise.all(curves)).map(writeFigure))).join('\n')}</div>`,
      );
      if (analysis.entries.length > 0) {
        const tradeOffs: string[] = [];
        for (const view of analysis.views) {
          tradeOffs.push(
            await writeFigure(await tradeOffFigure(analysis, view, palette, (numbers.figure += 1))),
          );
        }
        parts.push(`<div class="figures">${tradeOffs.join('\n')}</div>`);
      }
      parts.push(await writeTable(paretoTable(analysis, (numbers.table += 1))));
      parts.push('</section>');
    }
    const scratch = datasetGroups.find((analysis) => analysis.group.setting === 'scratch')?.group;
    const pretrained = datasetGroups.find((analysis) => analysis.group.setting === 'pretrained')?.group;
    if (scratch !== undefined && pretrained !== undefined) {
      const table = transferTable(scratch, pretrained, numbers.table + 1);
      if (table !== null) {
        numbers.table += 1;
        parts.push(
          `<section id="${escapeHtml(slugify(dataset))}-transfer"><h3>${escapeHtml(dataset)}: pre-trained against not pre-trained</h3>`,
        );
        parts.push(await writeTable(table), '</section>');
      }
    }
    sections.push(parts.join('\n'));
  }

  const title = `pareto-edge report: ${experiment.dir.split('/').pop() ?? experiment.dir}`;
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="lead">${experiment.runs.length} finished run(s) from <code>${escapeHtml(experiment.dir)}</code>; ` +
      `comparison model ${escapeHtml(displayName(baseline))}; objectives ${escapeHtml(
        objectives
          .map((objective) => `${objective.label} ${objective.direction === 'max' ? '↑' : '↓'}`)
          .join(', '),
      )}.</p>`,
    contents(groups, experiment.skipped.length > 0),
    findings(analyses),
    ...sections,
    methodSection(groups),
    skippedSection(experiment),
  ].join('\n');
  const htmlPath = join(outDir, 'report.html');
  await writeFileAtomic(htmlPath, renderPage(title, body));
  files.push(htmlPath);
  return { outDir, htmlPath, files, analyses };
}

function checkFrontiers(options: ReportOptions): void {
  const accuracy = options.accuracyFrontier;
  if (accuracy !== undefined && !(Number.isFinite(accuracy) && accuracy >= 0 && accuracy <= 1)) {
    throw new ReportInputError(`accuracy frontier ${accuracy} is not a fraction in [0, 1]; for 70% give 0.7`);
  }
  const memory = options.memoryFrontier;
  if (memory !== undefined && memory !== null && !(Number.isFinite(memory) && memory > 0)) {
    throw new ReportInputError(
      `memory frontier ${memory} is not a positive number of bytes, e.g. 850000000 or 850MB`,
    );
  }
}

async function curveFigure(
  group: RunGroup,
  palette: ModelPalette,
  kind: 'accuracy' | 'memory',
  number: number,
): Promise<Figure> {
  const chart = {
    title: groupTitle(group),
    subtitle: kind === 'accuracy' ? 'Accuracy per epoch' : 'Memory per epoch',
  };
  const spec =
    kind === 'accuracy'
      ? accuracyCurvesSpec(group.runs, palette, chart)
      : memoryCurvesSpec(group.runs, palette, chart);
  const caption =
    kind === 'accuracy'
      ? `Figure ${number}. ${groupTitle(group)}: accuracy per epoch — validation solid, training dashed (the paper's Figure 3a).`
      : `Figure ${number}. ${groupTitle(group)}: peak tensor memory and peak process RSS per epoch, each on its own scale (the paper's Figure 3b plots whole-system RAM).`;
  return { id: `${group.slug}-${kind}-curves`, caption, svg: await renderSvg(spec) };
}

async function tradeOffFigure(
  analysis: GroupAnalysis,
  view: TradeOffView,
  palette: ModelPalette,
  number: number,
): Promise<Figure> {
  const group = analysis.group;
  const labels = (indices: number[]): string =>
    indices.map((index) => analysis.entries[index]?.run.label ?? '?').join(', ') || 'none';
  const desirable = analysis.entries.flatMap((_, index) => (view.quadrants[index]?.desirable ? [index] : []));
  const spec = tradeOffSpec(analysis, view, palette, {
    title: groupTitle(group),
    subtitle: `${view.y.label} vs ${view.x.label.toLowerCase()}`,
  });
  const caption =
    `Figure ${number}. ${groupTitle(group)}: ${view.y.label.toLowerCase()} against ${view.x.label.toLowerCase()} (the paper's Figure 4). ` +
    `Frontiers: ${formatValue(view.yFrontier.value, view.y.unit)} (${view.yFrontier.source}) and ` +
    `${formatValue(view.xFrontier.value, view.x.unit)} (${view.xFrontier.source}). ` +
    `Ringed, joined by the dotted staircase: the Pareto front (${labels(view.front)}). ` +
    `In the desirable quadrant, ${view.desirableLabel}: ${labels(desirable)}.`;
  return { id: `${group.slug}-pareto-${metricSlug(view.x)}`, caption, svg: await renderSvg(spec) };
}

function figureHtml(figure: Figure): string {
  return (
    `<figure id="${escapeHtml(figure.id)}">${namespaceSvgIds(figure.svg, figure.id)}` +
    `<figcaption>${escapeHtml(figure.caption)} <span class="files">` +
    `<a href="figures/${escapeHtml(figure.id)}.svg">SVG</a> · <a href="figures/${escapeHtml(figure.id)}.png">PNG</a></span>` +
    `</figcaption></figure>`
  );
}

function contents(groups: readonly RunGroup[], hasSkipped: boolean): string {
  const items = groups.map(
    (group) => `<li><a href="#${group.slug}">${escapeHtml(groupTitle(group))}</a></li>`,
  );
  items.push('<li><a href="#method">How this was measured</a></li>');
  if (hasSkipped) items.push('<li><a href="#skipped">Runs not included</a></li>');
  return `<nav><ul>${items.join('')}</ul></nav>`;
}

/** The answer first: per group, which models are Pareto-optimal and which sit in the desirable quadrant. */
function findings(analyses: readonly GroupAnalysis[]): string {
  const items = analyses.map((analysis) => {
    const names = (predicate: (index: number) => boolean): string =>
      analysis.entries
        .filter((_, index) => predicate(index))
        .map((entry) => entry.run.label)
        .join(', ') || 'none';
    const front = names((index) => analysis.entries[index]?.rank === 1);
    const firstView = analysis.views[0];
    const quadrant =
      firstView === undefined
        ? ''
        : ` In the ${escapeHtml(firstView.desirableLabel)} quadrant: ${escapeHtml(names((index) => firstView.quadrants[index]?.desirable === true))}.`;
    return `<li><strong>${escapeHtml(groupTitle(analysis.group))}</strong>: Pareto-optimal on all objectives: ${escapeHtml(front)}.${quadrant}</li>`;
  });
  return `<section id="findings"><h2>Findings</h2><ul class="summary">${items.join('\n')}</ul></section>`;
}

function skippedSection(experiment: Experiment): string {
  if (experiment.skipped.length === 0) return '';
  const items = experiment.skipped
    .map((run) => `<li><code>${escapeHtml(run.path)}</code>: ${escapeHtml(run.reason)}</li>`)
    .join('\n');
  return `<section id="skipped"><h2>Runs not included</h2><ul>${items}</ul></section>`;
}
