// A table as data, and its three renderings: CSV (numbers in display units, for spreadsheets),
// Markdown (for READMEs and papers' drafts) and HTML (for report.html).
import { escapeHtml } from './html-escape.js';

export type Arrow = '↑' | '↓';

export interface Cell {
  text: string;
  /** The number behind the text, in the column's display unit; null for text cells and missing values. */
  value: number | null;
  /** Change against the comparison row (Xception, or the model's not-pre-trained run). */
  arrow?: Arrow;
  /** Whether that change is an improvement for this metric. */
  tone?: 'better' | 'worse';
}

export interface Column {
  header: string;
  /** Machine-friendly header with the unit, e.g. "test_acc_pct". */
  csvHeader: string;
}

export interface Table {
  /** File stem: tables/<id>.csv and tables/<id>.md. */
  id: string;
  /** "Table 1. PCB, not pre-trained: …" */
  caption: string;
  columns: Column[];
  rows: Cell[][];
  notes: string[];
}

export function textCell(text: string): Cell {
  return { text, value: null };
}

export function tableToCsv(table: Table): string {
  const lines = [table.columns.map((column) => csvField(column.csvHeader)).join(',')];
  for (const row of table.rows) {
    lines.push(
      row
        .map((cell) =>
          csvField(cell.value === null ? (isMissing(cell) ? '' : cell.text) : csvNumber(cell.value)),
        )
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function tableToMarkdown(table: Table): string {
  const header = `| ${table.columns.map((column) => markdownText(column.header)).join(' | ')} |`;
  const rule = `|${table.columns.map((_, index) => (isNumericColumn(table, index) ? ' ---: ' : ' --- ')).join('|')}|`;
  const rows = table.rows.map((row) => `| ${row.map((cell) => markdownText(cellText(cell))).join(' | ')} |`);
  const notes = table.notes.map((note) => `\n${markdownText(note)}`);
  return `**${markdownText(table.caption)}**\n\n${[header, rule, ...rows].join('\n')}\n${notes.join('\n')}\n`;
}

export function tableToHtml(table: Table): string {
  const head = table.columns
    .map((column, index) => {
      const align = index > 0 && !isNumericColumn(table, index) ? ' class="text"' : '';
      return `<th scope="col"${align}>${escapeHtml(column.header)}</th>`;
    })
    .join('');
  const body = table.rows
    .map((row) => {
      const cells = row.map((cell, index) => {
        const tag = index === 0 ? 'th scope="row"' : isNumericColumn(table, index) ? 'td' : 'td class="text"';
        const close = index === 0 ? 'th' : 'td';
        const arrow =
          cell.arrow === undefined
            ? ''
            : ` <span class="arrow ${cell.tone ?? ''}" title="${cell.tone === 'better' ? 'better' : 'worse'} than the comparison row">${cell.arrow}</span>`;
        return `<${tag}>${escapeHtml(cell.text)}${arrow}</${close}>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  const notes = table.notes.map((note) => `<p class="note">${escapeHtml(note)}</p>`).join('\n');
  return (
    `<div class="table-wrap"><table id="${escapeHtml(table.id)}">\n<caption>${escapeHtml(table.caption)}</caption>\n` +
    `<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>\n${notes}\n` +
    `<p class="files">Also as <a href="tables/${escapeHtml(table.id)}.csv">CSV</a> and ` +
    `<a href="tables/${escapeHtml(table.id)}.md">Markdown</a>.</p></div>`
  );
}

/** Numbers align right, words left; a column is numeric when any of its cells holds a number. */
function isNumericColumn(table: Table, index: number): boolean {
  return table.rows.some((row) => (row[index]?.value ?? null) !== null);
}

/** Twelve significant digits: keeps the measurement, drops binary noise like 93.32000000000001. */
function csvNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}

function cellText(cell: Cell): string {
  return cell.arrow === undefined ? cell.text : `${cell.text} ${cell.arrow}`;
}

function isMissing(cell: Cell): boolean {
  return cell.text === '—';
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Text of a Markdown table cell, caption or note. Names come from run.json and may be hostile: markup
 * (`<svg onload=…>`) becomes entities, which Markdown shows as text; a pipe or a line break would
 * start another cell or row.
 */
function markdownText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n|\r/g, ' ');
}
