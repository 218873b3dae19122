// Plain-text summaries of a finished run for the terminal.
import type { RunSummary } from '../train/index.js';

const MiB = 1024 * 1024;
const pct = (x: number | null) => (x === null || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(2)}%`);

export function formatRunSummary(s: RunSummary, runDir: string): string {
  return [
    `${s.model} on ${s.dataset} (${s.setting}), ${s.epochs} epoch${s.epochs === 1 ? '' : 's'} at ${s.inputSize}×${s.inputSize}, batch ${s.batchSize}`,
    `  params        ${s.params.total.toLocaleString('en-US')} (${s.params.trainable.toLocaleString('en-US')} trainable)`,
    `  accuracy      train ${pct(s.final.trainAcc)}  val ${pct(s.final.valAcc)}  test ${pct(s.final.testAcc)}${
      s.batchNormRecalibration ? ' (val and test after re-estimating BatchNorm statistics)' : ''
    }`,
    `  memory        peak tensors ${(s.memory.peakTensorBytes / MiB).toFixed(0)} MiB, peak RSS ${(s.memory.peakRssBytes / MiB).toFixed(0)} MiB, paper-style system RAM ${(s.memory.paperAvgMemBytes / MiB).toFixed(0)} MiB`,
    `  time          ${s.time.meanEpochS.toFixed(1)} s per epoch`,
    `  inference     ${s.inference.batchMs.median.toFixed(1)} ms per batch of ${s.inference.batchSize}, ${s.inference.imageMs.median.toFixed(1)} ms per image (medians)`,
    ...(s.inference.folded
      ? [
          `                ${s.inference.folded.batchMs.median.toFixed(1)} ms and ${s.inference.folded.imageMs.median.toFixed(1)} ms with BatchNorm folded into the convolutions (as eval and predict run)`,
        ]
      : []),
    ...(s.skippedImages?.count
      ? [
          `  skipped       ${s.skippedImages.count} unreadable image${s.skippedImages.count === 1 ? '' : 's'} (listed in run.json)`,
        ]
      : []),
    `  run           ${runDir}`,
    '',
  ].join('\n');
}
