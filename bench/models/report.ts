// bench/models' Markdown tables, ready for the README: step and inference times with the ratios issue
// 17 asks for and their targets, training peaks, and the same-architecture check.
import { describeMemoryFormat } from '../../src/train/memory-format.js';
import { median } from '../common/stats.js';
import type { ModelResult, Series } from './measure-model.js';

const MB = 1e6;

/** Issue 17's "Must show" bounds on pareto-edge ÷ PyTorch: per model, or for every model ('*'). */
const TARGETS = {
  defaultVsPytorchFp32: { 'xception-lite': 0.6 },
  bf16VsPytorchFp32: { 'xception-lite': 0.35, 'mobilenet-v2': 0.5 },
  bf16VsPytorchBf16: { 'xception-lite': 0.7 },
  foldedVsPytorch: { '*': 0.5 },
} satisfies Record<string, Record<string, number>>;

function targetFor(targets: Record<string, number>, model: string): number | undefined {
  return targets[model] ?? targets['*'];
}

function failure(series: Series): string {
  return `fails: ${series.error?.replaceAll('|', '\\|')}`;
}

function ms(series: Series): string {
  if (series.error !== undefined) return failure(series);
  return `${median(series.roundMs).toFixed(series.roundMs[0] < 10 ? 1 : 0)} ms`;
}

/** ours ÷ theirs of the medians over rounds, the range of the per-round ratios, and the target met or not. */
function ratio(ours: Series, theirs: Series, target?: number): string {
  if (ours.error !== undefined || theirs.error !== undefined) return 'n/a';
  const value = median(ours.roundMs) / median(theirs.roundMs);
  const perRound = ours.roundMs.map((v, i) => v / theirs.roundMs[i]);
  const range =
    perRound.length > 1 ? ` (${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)})` : '';
  const verdict = target === undefined ? '' : `, ≤ ${target}: ${value <= target ? 'met' : 'MISSED'}`;
  return `**${value.toFixed(2)}**${range}${verdict}`;
}

function peakMb(series: Series): string {
  if (series.error !== undefined) return 'n/a';
  const present = series.peakBytes.filter((v): v is number => v !== null);
  return present.length === series.peakBytes.length ? `${(median(present) / MB).toFixed(0)} MB` : 'n/a';
}

/** A Markdown table, cells padded so it also reads in a terminal; the first column left-aligned. */
function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function trainTable(results: ModelResult[]): string {
  const rows = results.map(({ model, train, memoryFormat }) => [
    model,
    `${ms(train.default)}${memoryFormat && train.default.error === undefined ? ` (${memoryFormat.format})` : ''}`,
    ms(train.bf16),
    ms(train.pytorchFp32),
    ms(train.pytorchBf16),
    ratio(train.default, train.pytorchFp32, targetFor(TARGETS.defaultVsPytorchFp32, model)),
    ratio(train.bf16, train.pytorchFp32, targetFor(TARGETS.bf16VsPytorchFp32, model)),
    ratio(train.bf16, train.pytorchBf16, targetFor(TARGETS.bf16VsPytorchBf16, model)),
  ]);
  return markdownTable(
    [
      'training step',
      'pareto-edge default',
      'pareto-edge bf16',
      'PyTorch fp32',
      'PyTorch bf16',
      'default ÷ PyTorch fp32',
      'bf16 ÷ PyTorch fp32',
      'bf16 ÷ PyTorch bf16',
    ],
    rows,
  );
}

function inferTable(results: ModelResult[]): string {
  const rows = results.flatMap(({ model, infer }) =>
    infer.map((i) => [
      `${model}, batch ${i.batch}`,
      ms(i.folded),
      ms(i.unfolded),
      ms(i.pytorch),
      ratio(i.folded, i.pytorch, targetFor(TARGETS.foldedVsPytorch, model)),
      ratio(i.unfolded, i.pytorch),
    ]),
  );
  return markdownTable(
    [
      'inference',
      'pareto-edge, BN folded',
      'pareto-edge, training graph',
      'PyTorch fp32 eval',
      'folded ÷ PyTorch',
      'training graph ÷ PyTorch',
    ],
    rows,
  );
}

function peakTable(results: ModelResult[], allocatorPeaks: boolean): string {
  const rows = results.map(({ model, train }) => [
    model,
    peakMb(train.default),
    peakMb(train.bf16),
    peakMb(train.pytorchFp32),
    peakMb(train.pytorchBf16),
  ]);
  const table = markdownTable(
    ['training peak', 'pareto-edge default', 'pareto-edge bf16', 'PyTorch fp32', 'PyTorch bf16'],
    rows,
  );
  return allocatorPeaks
    ? table
    : `${table}\n(no allocator shim for PyTorch, see stderr: its peaks are not counted)`;
}

function checkCell(r: ModelResult): string {
  const c = r.check;
  if (!c) return 'not run';
  if (c.missing.length || c.unexpected.length || c.mismatchedShapes.length) {
    return `names differ: missing ${c.missing.join(',')} unexpected ${c.unexpected.join(',')} shapes ${c.mismatchedShapes.join(',')}`;
  }
  if (c.maxAbsDifference === undefined) return 'not run';
  const relative = c.maxAbsDifference / Math.max(c.maxAbsLogit ?? 0, 1e-12);
  return `${relative <= 1e-3 ? 'same' : 'DIFFERENT'} (max \\|Δ\\| ${c.maxAbsDifference.toExponential(1)}, max \\|logit\\| ${c.maxAbsLogit?.toExponential(1)})`;
}

function architectureTable(results: ModelResult[]): string {
  const rows = results.map((r) => [
    r.model,
    String(r.params.ours.parametersOnly),
    r.params.pytorch ? String(r.params.pytorch.parametersOnly) : 'n/a',
    r.params.pytorch?.parametersOnly === r.params.ours.parametersOnly ? 'yes' : 'NO',
    checkCell(r),
  ]);
  return markdownTable(
    [
      'same architecture',
      'params pareto-edge',
      'params PyTorch',
      'match',
      'same function (logits, same weights and input)',
    ],
    rows,
  );
}

function formatNotes(results: ModelResult[]): string[] {
  return results.map(
    (r) =>
      `- ${r.model}, \`--memory-format auto\` chose: ${r.memoryFormat ? describeMemoryFormat(r.memoryFormat) : 'n/a (the default step did not run)'}`,
  );
}

/** The report: the command, the machine line, the tables and what each column is. */
export function report(
  command: string,
  machine: string,
  results: ModelResult[],
  allocatorPeaks: boolean,
): string {
  return [
    `Command: \`${command}\``,
    '',
    machine,
    '',
    trainTable(results),
    '',
    inferTable(results),
    '',
    "Median over rounds of each round's median (ms). Ratio = pareto-edge ÷ PyTorch, medians, the per-round range in brackets, and issue 17's target where it sets one. Rounds alternate pareto-edge and PyTorch.",
    '- pareto-edge default: float32, `--memory-format auto` (the format it chose in brackets); bf16: `--precision bf16 --memory-format channels-last` (libtorch CPU autocast).',
    "- PyTorch: the same architecture (bench/models/torch_model.py), `model.to(memory_format=torch.channels_last)` and a channels-last input; bf16: forward and loss under `torch.autocast('cpu', dtype=torch.bfloat16)`.",
    "- Inference: float32; pareto-edge in the default's format, with BatchNorm folded into the convolutions (as eval and predict run) and the training graph in eval mode; PyTorch `model.eval()` under `torch.no_grad()`, channels-last.",
    ...formatNotes(results),
    '',
    peakTable(results, allocatorPeaks),
    '',
    "Peak: bytes libtorch's CPU allocator held during the steps beyond those held before the model was built (pareto-edge's counting allocator; PyTorch's through the posix_memalign shim).",
    '',
    architectureTable(results),
    '',
    'params: PyTorch convention (parameters only, no BatchNorm running statistics).',
  ].join('\n');
}
