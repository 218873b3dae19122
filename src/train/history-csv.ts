// history.csv: one row per epoch, the paper's columns first (Epoch, Loss, Acc, Val_acc, Mem_Use, Time)
// then ours. Mem_Use is the paper's whole-system RAM figure in MB, so the two can be put side by side.
import type { EpochRecord } from '../measure/index.js';

const MB = 1024 * 1024;

const COLUMNS: [string, (r: EpochRecord) => number | null][] = [
  ['Epoch', (r) => r.epoch],
  ['Loss', (r) => r.loss],
  ['Acc', (r) => r.acc],
  ['Val_acc', (r) => r.valAcc],
  ['Mem_Use', (r) => r.paperMemBytes / MB],
  ['Time', (r) => r.timeS],
  ['Val_loss', (r) => r.valLoss],
  ['Learning_rate', (r) => r.learningRate],
  ['Images_per_s', (r) => r.imagesPerS],
  ['Peak_tensor_MB', (r) => r.peakTensorBytes / MB],
  ['Peak_RSS_MB', (r) => r.peakRssBytes / MB],
  ['Mean_RSS_MB', (r) => r.meanRssBytes / MB],
  ['CPU_utilization', (r) => r.cpuUtilization],
  ['Energy_J', (r) => r.energyJ],
];

export function historyCsv(history: EpochRecord[]): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const record of history) {
    lines.push(COLUMNS.map(([, value]) => format(value(record))).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function format(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '';
  return Number.isInteger(value) ? String(value) : value.toPrecision(6);
}
