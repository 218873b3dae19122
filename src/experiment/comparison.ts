// What `pareto-edge compare` ends with: it writes the experiment's report, then prints the report's
// own Table 1 and Pareto verdict per group, so the terminal and report.html agree.
import { loadExperiment, writeReport, type GroupAnalysis } from '../report/index.js';
import { DEFAULT_BASELINE } from '../report/models.js';
import { resultsTable } from '../report/tables.js';
import { tableToMarkdown } from '../report/table.js';

export interface Comparison {
  /** Per group: the results table and which models the Pareto analysis finds dominated, and by whom. */
  text: string;
  /** report.html, to open in a browser. */
  reportPath: string;
}

export async function writeComparison(expDir: string): Promise<Comparison> {
  const report = await writeReport(await loadExperiment(expDir));
  const text = report.analyses
    .map(
      (analysis, i) =>
        `${tableToMarkdown(resultsTable(analysis.group, DEFAULT_BASELINE, i + 1))}\n${verdict(analysis)}`,
    )
    .join('\n');
  return { text, reportPath: report.htmlPath };
}

/** "Pareto (Test accuracy ↑, …): Xception is dominated by Xception-Lite. Front: Xception-Lite, MobileNetV2." */
function verdict(analysis: GroupAnalysis): string {
  const objectives = analysis.objectives
    .map((objective) => `${objective.label} ${objective.direction === 'max' ? '↑' : '↓'}`)
    .join(', ');
  const dominated = analysis.entries
    .filter((entry) => entry.dominatedBy.length > 0)
    .map((entry) => `${entry.run.label} is dominated by ${entry.dominatedBy.join(', ')}. `)
    .join('');
  const front = analysis.entries.filter((entry) => entry.rank === 1).map((entry) => entry.run.label);
  return `Pareto analysis (${objectives}): ${dominated || 'no model is dominated. '}Front: ${front.join(', ')}.\n`;
}
