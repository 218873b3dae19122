// The paper-style comparison table printed at the end of `pareto-edge compare`, from the report's
// own Table 1 so that the terminal and report.html agree.
import { loadExperiment } from '../report/index.js';
import { groupRuns } from '../report/groups.js';
import { resultsTable } from '../report/tables.js';
import { tableToMarkdown } from '../report/table.js';

export async function comparisonTables(expDir: string, baseline = 'xception'): Promise<string> {
  const experiment = await loadExperiment(expDir);
  return groupRuns(experiment.runs)
    .map((group, i) => tableToMarkdown(resultsTable(group, baseline, i + 1)))
    .join('\n');
}
