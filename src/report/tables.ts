// The report's tables: the paper's Table 1 per dataset and setting (arrows against Xception), its
// Table 2 (pre-trained against not pre-trained, per model) and a Pareto table per group.
import type { RunSummary } from '../train/run-summary.js';
import type { GroupAnalysis } from './analysis.js';
import { SETTING_TITLES, type GroupRun, type RunGroup } from './groups.js';
import { metricValue, RUN_METRICS, type RunMetric } from './metrics.js';
import { displayName } from '../zoo/registry.js';
import { textCell, type Cell, type Table } from './table.js';
import { displayUnit, formatValue, toDisplay } from './units.js';

interface MetricColumn {
  metric: RunMetric;
  header: string;
  csvHeader: string;
}

function metricColumn(key: string, header: string, csvHeader: string): MetricColumn {
  const metric = RUN_METRICS.find((candidate) => candidate.key === key);
  if (metric === undefined) throw new Error(`no run metric ${key}`);
  return { metric, header, csvHeader };
}

/** The paper's Table 1 columns, with memory split into what we measure and what the paper measured. */
const RESULT_COLUMNS: readonly MetricColumn[] = [
  metricColumn('params.total', '#Params', 'params_millions'),
  metricColumn('final.trainAcc', 'Train acc', 'train_acc_pct'),
  metricColumn('final.testAcc', 'Test acc', 'test_acc_pct'),
  metricColumn('memory.peakTensorBytes', 'Peak tensor mem', 'peak_tensor_mem_mb'),
  metricColumn('memory.peakRssBytes', 'Peak RSS', 'peak_rss_mb'),
  metricColumn('memory.paperAvgMemBytes', 'Avg system mem / epoch', 'avg_system_mem_per_epoch_mb'),
  metricColumn('time.meanEpochS', 'Avg time / epoch', 'avg_time_per_epoch_s'),
  metricColumn('inference.batchMs.median', 'Avg inference / batch', 'inference_per_batch_median_ms'),
];

/** The paper's Table 2 columns (it has train/test accuracy, memory and inference time). */
const TRANSFER_COLUMNS: readonly MetricColumn[] = [
  metricColumn('final.trainAcc', 'Train acc', 'train_acc_pct'),
  metricColumn('final.testAcc', 'Test acc', 'test_acc_pct'),
  metricColumn('memory.peakTensorBytes', 'Peak tensor mem', 'peak_tensor_mem_mb'),
  metricColumn('memory.paperAvgMemBytes', 'Avg system mem / epoch', 'avg_system_mem_per_epoch_mb'),
  metricColumn('inference.batchMs.median', 'Avg inference / batch', 'inference_per_batch_median_ms'),
];

/** Table 1: one row per model, each metric marked ↑/↓ against the baseline model's run. */
export function resultsTable(group: RunGroup, baselineModel: string, number: number): Table {
  const baseline = group.runs.find((run) => run.summary.model === baselineModel);
  const rows = group.runs.map((run) => [
    textCell(run.label),
    ...RESULT_COLUMNS.map((column) =>
      metricCell(run.summary, column.metric, run === baseline ? undefined : baseline?.summary),
    ),
  ]);
  const notes = [
    baseline === undefined
      ? `No ${displayName(baselineModel)} run in this group, so no ↑/↓ marks.`
      : `↑/↓: higher/lower than ${baseline.label}; green is better, red is worse for that metric.`,
    `Accuracy is final-epoch; memory and time columns are explained in "How this was measured". ${setupNote(group.runs)}`,
  ];
  return {
    id: `${group.slug}-results`,
    caption: `Table ${number}. ${groupTitle(group)}: model performance (comparison against ${displayName(baselineModel)}).`,
    columns: [
      { header: 'Model', csvHeader: 'model' },
      ...RESULT_COLUMNS.map((column) => ({ header: column.header, csvHeader: column.csvHeader })),
    ],
    rows,
    notes,
  };
}

/**
 * Table 2: for one dataset, each model's not-pre-trained metrics beside its pre-trained ones, the
 * latter marked ↑/↓ against the former.
 */
export function transferTable(scratch: RunGroup, pretrained: RunGroup, number: number): Table | null {
  const pairs = scratch.runs
    .map((run) => ({ scratch: run, pretrained: pretrained.runs.find((other) => other.label === run.label) }))
    .filter((pair): pair is { scratch: GroupRun; pretrained: GroupRun } => pair.pretrained !== undefined);
  if (pairs.length === 0) return null;
  const rows = pairs.map((pair) => [
    textCell(pair.scratch.label),
    ...TRANSFER_COLUMNS.map((column) => metricCell(pair.scratch.summary, column.metric)),
    ...TRANSFER_COLUMNS.map((column) =>
      metricCell(pair.pretrained.summary, column.metric, pair.scratch.summary),
    ),
  ]);
  return {
    id: `${scratch.slug.replace(/-scratch$/, '')}-transfer`,
    caption: `Table ${number}. ${scratch.dataset}: not pre-trained against pre-trained.`,
    columns: [
      { header: 'Model', csvHeader: 'model' },
      ...TRANSFER_COLUMNS.map((column) => ({
        header: `${column.header} (not pre-trained)`,
        csvHeader: `scratch_${column.csvHeader}`,
      })),
      ...TRANSFER_COLUMNS.map((column) => ({
        header: `${column.header} (pre-trained)`,
        csvHeader: `pretrained_${column.csvHeader}`,
      })),
    ],
    rows,
    notes: [
      "↑/↓: the pre-trained run's value is higher/lower than the same model's not-pre-trained run; green is better.",
      `Trained parameters in the pre-trained runs (the rest stay as pre-trained): ${pairs
        .map(({ pretrained: run }) => `${run.label} ${trainedShare(run.summary.params)}`)
        .join(', ')}.`,
    ],
  };
}

function trainedShare({ total, trainable }: RunSummary['params']): string {
  return `${trainable.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`;
}

/** Ranks, dominators, hypervolume shares and quadrants on the chosen objectives. */
export function paretoTable(analysis: GroupAnalysis, number: number): Table {
  const { group, objectives, entries, views } = analysis;
  const rows = entries.map((entry, index) => [
    textCell(entry.run.label),
    ...objectives.map((objective) => metricCell(entry.run.summary, objective)),
    { text: String(entry.rank), value: entry.rank },
    textCell(entry.dominatedBy.length === 0 ? 'none' : entry.dominatedBy.join(', ')),
    { text: `${(entry.hypervolumeShare * 100).toFixed(1)}%`, value: entry.hypervolumeShare * 100 },
    ...views.map((view) => textCell(view.quadrants[index]?.label ?? '')),
  ]);
  const objectiveList = objectives
    .map((objective) => `${objective.label} ${objective.direction === 'max' ? '↑' : '↓'}`)
    .join(', ');
  const notes = [
    `Rank 1 is the Pareto front on all of: ${objectiveList}; rank 2 the front once rank 1 is removed, and so on.`,
    `HV share: the part of the group's hypervolume only this model provides (reference point 10% of each range beyond the worst value; the group's normalised hypervolume is ${analysis.normalizedHypervolume.toFixed(3)}).`,
    ...views.map(
      (view) =>
        `Quadrant (${view.y.shortName} vs ${view.x.shortName}): frontiers at ${formatValue(view.yFrontier.value, view.y.unit)} (${view.yFrontier.source}) and ${formatValue(view.xFrontier.value, view.x.unit)} (${view.xFrontier.source}); "${view.desirableLabel}" is the desirable one.`,
    ),
    ...analysis.excluded.map(
      (excluded) => `${excluded.run.label} is left out: it has no ${excluded.missing.join(', ')}.`,
    ),
  ];
  return {
    id: `${group.slug}-pareto`,
    caption: `Table ${number}. ${groupTitle(group)}: Pareto analysis.`,
    columns: [
      { header: 'Model', csvHeader: 'model' },
      ...objectives.map((objective) => ({
        header: `${objective.label} ${objective.direction === 'max' ? '↑' : '↓'}`,
        csvHeader: csvName(objective),
      })),
      { header: 'Pareto rank', csvHeader: 'pareto_rank' },
      { header: 'Dominated by', csvHeader: 'dominated_by' },
      { header: 'HV share', csvHeader: 'hypervolume_share_pct' },
      ...views.map((view) => ({
        header: `Quadrant (${view.y.shortName} vs ${view.x.shortName})`,
        csvHeader: `quadrant_${view.y.shortName}_vs_${view.x.shortName}`.replace(/\s+/g, '_'),
      })),
    ],
    rows,
    notes,
  };
}

export function groupTitle(group: RunGroup): string {
  return `${group.dataset}, ${SETTING_TITLES[group.setting]}`;
}

/** A metric's cell; with `comparison`, marked ↑/↓ when the shown values differ. */
function metricCell(run: RunSummary, metric: RunMetric, comparison?: RunSummary): Cell {
  const value = metricValue(run, metric);
  const cell: Cell = {
    text: formatValue(value, metric.unit),
    value: value === null ? null : toDisplay(value, metric.unit),
  };
  if (comparison === undefined || value === null) return cell;
  const other = metricValue(comparison, metric);
  // Compare what the reader sees: values that print the same get no arrow.
  if (other === null || formatValue(other, metric.unit) === cell.text) return cell;
  const higher = value > other;
  return {
    ...cell,
    arrow: higher ? '↑' : '↓',
    tone: higher === (metric.direction === 'max') ? 'better' : 'worse',
  };
}

function setupNote(runs: readonly GroupRun[]): string {
  const describe = (values: number[], what: string): string => {
    const unique = [...new Set(values)];
    return unique.length === 1 ? `${what} ${unique[0]}` : `${what} ${unique.join('/')}`;
  };
  const summaries = runs.map((run) => run.summary);
  return (
    [
      describe(
        summaries.map((summary) => summary.inputSize),
        'Input',
      ) + ' px',
      describe(
        summaries.map((summary) => summary.batchSize),
        'training batch',
      ),
      describe(
        summaries.map((summary) => summary.history.length),
        'epochs',
      ),
      describe(
        summaries.map((summary) => summary.inference.batchSize),
        'inference batch',
      ),
    ].join(', ') +
    '.' +
    recalibrationNote(summaries)
  );
}

function csvName(metric: RunMetric): string {
  const unit = displayUnit(metric.unit);
  const suffix = unit === '%' ? 'pct' : unit === 'M' ? 'millions' : unit.toLowerCase();
  return [metric.key.replace(/\./g, '_'), suffix].filter((part) => part !== '').join('_');
}

function recalibrationNote(summaries: readonly GroupRun['summary'][]): string {
  const recalibrated = summaries.filter((summary) => summary.batchNormRecalibration);
  if (recalibrated.length === 0) return '';
  const which =
    recalibrated.length === summaries.length
      ? 'every run'
      : `${recalibrated.length} of ${summaries.length} runs`;
  return ` Test accuracy after re-estimating BatchNorm statistics from the training images (${which}).`;
}
