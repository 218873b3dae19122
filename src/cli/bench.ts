// `pareto-edge bench MODEL`: training-step and inference timings and peak memory on random inputs.
import type { Command } from 'commander';
import { benchModel, type BenchOptions, type BenchResult } from '../train/bench-model.js';
import {
  askedMemoryFormat,
  byteSize,
  channelsLastAlias,
  integer,
  memoryFormatSetting,
  memoryPlan,
  precisionSetting,
  threadCount,
  threadsHelp,
} from './parse.js';
import {
  ALLOW_BF16_MOMENTS_HELP,
  MEMORY_BUDGET_HELP,
  MEMORY_FORMAT_HELP,
  MEMORY_PLAN_HELP,
  PRECISION_HELP,
} from './train.js';
import { describePrecision } from '../train/precision.js';
import { describeMemoryFormat } from '../train/memory-format.js';
import { UsageError } from './errors.js';

type BenchFlags = BenchOptions & {
  /** Deprecated alias of --memory-format channels-last. */
  channelsLast?: boolean;
  json?: boolean;
};

export function registerBench(program: Command): void {
  program
    .command('bench <model>')
    .summary('time a model (zoo name or description JSON file)')
    .description('time a training step and inference of a model on random inputs, with peak memory')
    .option('--input <n>', 'input side in pixels', integer(), 96)
    .option('--batch <n>', 'batch size', integer(), 16)
    .option('--steps <n>', 'timed training steps (after 3 warm-up steps)', integer(), 10)
    .option('--classes <n>', 'classes of the head', integer({ min: 2 }), 2)
    .option('--threads <n>', threadsHelp('intra-op threads', 'every core'), threadCount)
    .option('--memory-format <f>', MEMORY_FORMAT_HELP, memoryFormatSetting, 'auto')
    .addOption(channelsLastAlias())
    .option('--memory-plan <plan>', MEMORY_PLAN_HELP, memoryPlan)
    .option('--memory-budget <size>', MEMORY_BUDGET_HELP, byteSize)
    .option('--allow-bf16-moments', ALLOW_BF16_MOMENTS_HELP)
    .option('--precision <p>', PRECISION_HELP, precisionSetting, 'fp32')
    .option('--json', 'print the result as JSON')
    .action((model: string, flags: BenchFlags) => {
      if (flags.memoryPlan && flags.memoryBudget !== undefined)
        throw new UsageError('--memory-plan and --memory-budget both choose the memory plan: give one');
      const result = benchModel(model, { ...flags, memoryFormat: askedMemoryFormat(flags) });
      if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else process.stdout.write(formatBench(result));
    });
}

function formatBench(r: BenchResult): string {
  const MiB = 1024 * 1024;
  return [
    `${r.model} at ${r.input}×${r.input}, batch ${r.batch}, ${r.threads} threads, ${r.precision.precision}`,
    `  memory format  ${describeMemoryFormat(r.memoryFormat)}`,
    `  precision      ${describePrecision(r.precision)}`,
    `  training step  median ${r.train.stepMs.median.toFixed(1)} ms (p95 ${r.train.stepMs.p95.toFixed(1)}), ${r.train.imagesPerS.toFixed(1)} images/s`,
    `  inference      median ${r.infer.batchMs.median.toFixed(1)} ms per batch (p95 ${r.infer.batchMs.p95.toFixed(1)})`,
    `    BN folded    median ${r.infer.folded.batchMs.median.toFixed(1)} ms per batch (p95 ${r.infer.folded.batchMs.p95.toFixed(1)}), as eval and predict run`,
    `  memory         peak tensors ${(r.memory.peakTensorBytes / MiB).toFixed(0)} MiB, peak RSS ${(r.memory.peakRssBytes / MiB).toFixed(0)} MiB`,
    `  memory plan    ${r.memoryPlan.plan}: predicted peak ${(r.memoryPlan.predictedPeakBytes / MiB).toFixed(0)} MiB, step time ×${r.memoryPlan.predictedRelativeStepTime.toFixed(2)}`,
    '',
  ].join('\n');
}
