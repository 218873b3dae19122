// `pareto-edge report EXP_DIR`: tables, training curves and Pareto plots of an experiment, as one
// self-contained report.html plus SVG/PNG figures and CSV/Markdown tables.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeSearchReport } from '../search/report.js';
import { loadExperiment, writeReport } from '../report/index.js';
import { DEFAULT_OBJECTIVES, METRIC_ALIASES } from '../report/metrics.js';
import { DEFAULT_BASELINE } from '../report/models.js';
import { parseAccuracyFrontier, parseBytes } from '../report/option-parsing.js';

interface ReportCliOptions {
  out?: string;
  accuracyFrontier?: string;
  memoryFrontier?: string;
  objectives: string;
  baseline: string;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write report.html (tables, training curves, Pareto plots) for an experiment directory')
    .argument(
      '<EXP_DIR>',
      'experiment directory written by `pareto-edge compare` (every run.json under it is read), or a search directory of `pareto-edge search`',
    )
    .option('--out <dir>', 'where to write the report (default: EXP_DIR/report)')
    .option(
      '--accuracy-frontier <fraction>',
      "accuracy frontier of the quadrant view, e.g. 0.7 or 70% (default: the paper's 70%)",
    )
    .option(
      '--memory-frontier <bytes>',
      'memory frontier of the quadrant view, e.g. 850MB (default: midpoint of the smallest and largest memory)',
    )
    .option(
      '--objectives <list>',
      `objectives of the Pareto analysis, comma-separated; the first is the plots' y axis. ` +
        `Names: ${Object.keys(METRIC_ALIASES).join(', ')}, or a RunSummary field path with :max/:min`,
      DEFAULT_OBJECTIVES,
    )
    .option('--baseline <model>', 'model the tables mark ↑/↓ against', DEFAULT_BASELINE)
    .action(runReport);
}

async function runReport(expDir: string, options: ReportCliOptions): Promise<void> {
  if (existsSync(join(expDir, 'search.json'))) {
    const file = await writeSearchReport(expDir, options.out);
    process.stdout.write(`${relative(process.cwd(), file) || file}: the search's front, history and proxy\n`);
    return;
  }
  // Left undefined when not given, so the report can say the frontier is the paper's default.
  const accuracyFrontier =
    options.accuracyFrontier === undefined ? undefined : parseAccuracyFrontier(options.accuracyFrontier);
  const memoryFrontier = options.memoryFrontier === undefined ? null : parseBytes(options.memoryFrontier);
  const experiment = await loadExperiment(expDir);
  for (const run of experiment.skipped)
    process.stderr.write(`pareto-edge: skipped ${run.path}: ${run.reason}\n`);
  const result = await writeReport(experiment, {
    outDir: options.out,
    objectives: options.objectives,
    accuracyFrontier,
    memoryFrontier,
    baseline: options.baseline,
  });
  const shown = relative(process.cwd(), result.htmlPath) || result.htmlPath;
  process.stdout.write(
    `${shown}: ${experiment.runs.length} run(s) in ${result.analyses.length} group(s); ` +
      `${result.files.length - 1} figure and table files beside it\n`,
  );
}
