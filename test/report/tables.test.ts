import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupRuns } from '../../src/report/groups.js';
import { analyseGroup, parseObjectives } from '../../src/report/index.js';
import { tableToCsv, tableToHtml, tableToMarkdown, textCell, type Table } from '../../src/report/table.js';
import { paretoTable, resultsTable, transferTable } from '../../src/report/tables.js';
import { fakeRun, paperRuns } from './fixtures.js';

const groups = groupRuns(paperRuns().map((summary) => ({ path: 'x', summary })));
const [caltech, pcbScratch, pcbPretrained] = groups;

function column(table: Table, header: string): number {
  const index = table.columns.findIndex((candidate) => candidate.header === header);
  assert.ok(index >= 0, `no column ${header}`);
  return index;
}

describe('results table (the paper Table 1)', () => {
  const table = resultsTable(caltech ?? assert.fail(), 'xception', 1);
  const row = (label: string) => table.rows.find((cells) => cells[0]?.text === label) ?? assert.fail(label);

  it('shows the values in the paper units', () => {
    const lite = row('Xception-Lite');
    assert.equal(lite[column(table, '#Params')]?.text, '15.8M');
    assert.equal(lite[column(table, 'Test acc')]?.text, '76.21%');
    assert.equal(lite[column(table, 'Peak tensor mem')]?.text, '847.9 MB');
    assert.equal(lite[column(table, 'Avg inference / batch')]?.text, '465 ms');
  });

  it('marks every metric up or down against Xception, coloured by whether that is better', () => {
    const lite = row('Xception-Lite');
    assert.deepEqual(
      [lite[column(table, 'Test acc')]?.arrow, lite[column(table, 'Test acc')]?.tone],
      ['↑', 'better'],
    );
    assert.deepEqual(
      [lite[column(table, 'Train acc')]?.arrow, lite[column(table, 'Train acc')]?.tone],
      ['↓', 'worse'],
    );
    assert.deepEqual(
      [lite[column(table, 'Peak tensor mem')]?.arrow, lite[column(table, 'Peak tensor mem')]?.tone],
      ['↓', 'better'],
    );
    assert.ok(row('Xception').every((cell) => cell.arrow === undefined));
  });

  it('has no arrows and says so when the baseline model is missing', () => {
    const withoutBaseline = resultsTable(caltech ?? assert.fail(), 'resnet', 1);
    assert.ok(withoutBaseline.rows.flat().every((cell) => cell.arrow === undefined));
    assert.match(withoutBaseline.notes.join(' '), /No resnet run/);
  });

  it('says which runs were tested with re-estimated BatchNorm statistics, and only then', () => {
    assert.doesNotMatch(table.notes.join(' '), /BatchNorm/);
    const runs = paperRuns().filter((summary) => summary.dataset === caltech?.runs[0]?.summary.dataset);
    const first = runs[0] ?? assert.fail();
    runs[0] = { ...first, batchNormRecalibration: { layers: 40, images: 100 } };
    const [mixed] = groupRuns(runs.map((summary) => ({ path: 'x', summary })));
    const notes = resultsTable(mixed ?? assert.fail(), 'xception', 1).notes.join(' ');
    assert.match(notes, new RegExp(`re-estimating BatchNorm statistics .*\\(1 of ${runs.length} runs\\)`));
  });

  it('renders CSV with plain numbers, Markdown with arrows', () => {
    const csv = tableToCsv(table).split('\r\n');
    assert.equal(csv[0]?.split(',')[column(table, 'Test acc')], 'test_acc_pct');
    assert.equal(csv[1]?.split(',')[column(table, 'Test acc')], '76.21');
    assert.equal(csv[1]?.split(',')[column(table, 'Peak tensor mem')], '847.9');
    // 0.5811 × 100 is 58.10999999999999 in binary floating point; the CSV says what was measured.
    assert.equal(csv[4]?.split(',')[column(table, 'Test acc')], '58.11');
    const markdown = tableToMarkdown(table);
    assert.match(markdown, /\| Xception-Lite \| 15\.8M ↓ \| 96\.16% ↓ \| 76\.21% ↑ \|/);
  });
});

describe('transfer table (the paper Table 2)', () => {
  it('marks the pre-trained runs against the same model from scratch', () => {
    const table =
      transferTable(pcbScratch ?? assert.fail(), pcbPretrained ?? assert.fail(), 5) ?? assert.fail();
    const mobile = table.rows.find((cells) => cells[0]?.text === 'MobileNetV2') ?? assert.fail();
    const testAcc = column(table, 'Test acc (pre-trained)');
    const inference = column(table, 'Avg inference / batch (pre-trained)');
    assert.deepEqual([mobile[testAcc]?.text, mobile[testAcc]?.arrow], ['69.05%', '↑']);
    // 295 ms in both settings: equal values get no arrow, as in the paper.
    assert.equal(mobile[inference]?.arrow, undefined);
    assert.equal(mobile[column(table, 'Test acc (not pre-trained)')]?.arrow, undefined);
  });

  it("says how much of each pre-trained model was trained, from the runs' parameter counts", () => {
    const table =
      transferTable(pcbScratch ?? assert.fail(), pcbPretrained ?? assert.fail(), 5) ?? assert.fail();
    const mobile = pcbPretrained?.runs.find((run) => run.label === 'MobileNetV2') ?? assert.fail();
    const { trainable, total } = mobile.summary.params;
    const note = table.notes.find((text) => text.startsWith('Trained parameters')) ?? assert.fail();
    assert.ok(
      note.includes(`MobileNetV2 ${trainable.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`),
      note,
    );
  });
});

describe('Pareto table', () => {
  it('lists ranks, dominators, hypervolume shares and quadrants', () => {
    const analysis = analyseGroup(caltech ?? assert.fail(), {
      objectives: parseObjectives('accuracy,memory', []),
    });
    const table = paretoTable(analysis, 2);
    const xception = table.rows.find((cells) => cells[0]?.text === 'Xception') ?? assert.fail();
    assert.equal(xception[column(table, 'Pareto rank')]?.text, '2');
    assert.equal(xception[column(table, 'Dominated by')]?.text, 'Xception-Lite');
    assert.equal(xception[column(table, 'HV share')]?.text, '0.0%');
    assert.equal(
      xception[column(table, 'Quadrant (accuracy vs memory)')]?.text,
      'high accuracy / high memory',
    );
  });
});

describe('escaping', () => {
  it('keeps names with markup, commas and pipes from breaking HTML, CSV and Markdown', () => {
    const odd = fakeRun({
      model: '<b>net</b>, "v2" | beta',
      dataset: 'd',
      trainAcc: 0.5,
      testAcc: 0.5,
      memoryMb: 10,
      epochS: 1,
      inferenceMs: 1,
      params: 10,
    });
    const [group] = groupRuns([{ path: 'x', summary: odd }]);
    const table = resultsTable(group ?? assert.fail(), 'xception', 1);
    assert.match(tableToHtml(table), /&lt;b&gt;net&lt;\/b&gt;, &quot;v2&quot;/);
    assert.doesNotMatch(tableToHtml(table), /<b>net/);
    assert.match(tableToCsv(table), /\r\n"<b>net<\/b>, ""v2"" \| beta",/);
    assert.match(tableToMarkdown(table), /\| &lt;b&gt;net&lt;\/b&gt;, "v2" \\\| beta \|/);
  });

  it('keeps a hostile name from injecting markup or rows into a Markdown table', () => {
    const table: Table = {
      id: 't',
      caption: 'Table <svg onload=alert(1)>',
      columns: [{ header: 'model', csvHeader: 'model' }],
      rows: [[textCell('<svg onload=alert(1)>\n| injected | row |\r\nR&D')]],
      notes: ['<img src=x onerror=alert(1)>'],
    };
    const markdown = tableToMarkdown(table);
    assert.doesNotMatch(markdown, /<svg|<img/);
    assert.match(markdown, /^\| &lt;svg onload=alert\(1\)&gt; \\\| injected \\\| row \\\| R&amp;D \|$/m);
    assert.equal(markdown.split('\n').filter((line) => line.startsWith('|')).length, 3, markdown);
  });
});
