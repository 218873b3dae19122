// `pareto-edge bench MODEL`: training-step and inference timings and peak memory on random inputs.
import type { Command } from 'commander';
import os from 'node:os';
import {
  Adam,
  keep,
  dispose,
  noGrad,
  randint,
  randn,
  tidy,
  memoryStats,
  resetPeakMemory,
  setNumThreads,
  emptyCache,
  manualSeed,
} from '../engine/index.js';
import { buildModel } from '../models/build.js';
import { describeModel, ModelOptionsError } from '../zoo/registry.js';
import {
  measureLatency,
  latencyStats,
  readProcessMemoryStatus,
  resetPeakRss,
  summarize,
} from '../measure/index.js';
import { UsageError } from './errors.js';
import { trainStep } from '../train/step.js';
import { integer } from './parse.js';

interface BenchFlags {
  input: number;
  batch: number;
  steps: number;
  classes: number;
  threads?: number;
  channelsLast?: boolean;
  json?: boolean;
}

export function registerBench(program: Command): void {
  program
    .command('bench <model>')
    .description('time a training step and inference of a model on random inputs, with peak memory')
    .option('--input <n>', 'input side in pixels', integer(), 96)
    .option('--batch <n>', 'batch size', integer(), 16)
    .option('--steps <n>', 'timed training steps (after 3 warm-up steps)', integer(), 10)
    .option('--classes <n>', 'classes of the head', integer({ min: 2 }), 2)
    .option('--threads <n>', 'intra-op threads (default: every core)', integer())
    .option('--channels-last', 'NHWC memory format')
    .option('--json', 'print the result as JSON')
    .action((model: string, flags: BenchFlags) => {
      const result = benchModel(model, flags);
      if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else process.stdout.write(formatBench(result));
    });
}

export function benchModel(name: string, flags: BenchFlags) {
  let description;
  try {
    description = describeModel(name, {
      numClasses: flags.classes,
      inputSize: flags.input,
      includePreprocessing: false,
    });
  } catch (error) {
    if (error instanceof ModelOptionsError) throw new UsageError(error.message);
    throw error;
  }
  setNumThreads(flags.threads ?? os.availableParallelism());
  manualSeed(0);
  emptyCache();
  const model = buildModel(description);
  const optimizer = new Adam(model.trainableParameters());
  const format = flags.channelsLast ? 'channels_last' : 'contiguous';
  const x = keep(tidy(() => randn([flags.batch, 3, flags.input, flags.input]).contiguous(format)));
  const y = keep(randint(0, flags.classes, [flags.batch]));
  try {
    const rssResetProblem = resetPeakRss();
    resetPeakMemory();
    const step = () => trainStep(model, optimizer, x, y);
    const train = measureLatency(step, { warmup: 3, iterations: flags.steps });
    const peakTensorBytes = memoryStats().peakBytes;
    const peakRssBytes = readProcessMemoryStatus()?.hwmBytes ?? process.memoryUsage.rss();
    model.eval();
    const infer = noGrad(() =>
      measureLatency(() => tidy(() => model.forward(x).sum().item()), { warmup: 3, iterations: flags.steps }),
    );
    const counts = model.countParameters();
    return {
      model: name,
      input: flags.input,
      batch: flags.batch,
      threads: flags.threads ?? os.availableParallelism(),
      memoryFormat: format,
      params: { total: counts.total, trainable: counts.trainable },
      train: {
        steps: flags.steps,
        stepMs: summarize(train.timesMs),
        imagesPerS: (flags.batch * 1000) / train.medianMs,
      },
      infer: { batchMs: latencyStats(infer), imagesPerS: (flags.batch * 1000) / infer.medianMs },
      memory: { peakTensorBytes, peakRssBytes, peakRssIsProcessLifetime: rssResetProblem !== null },
    };
  } finally {
    optimizer.dispose();
    dispose([x, y]);
    model.dispose();
  }
}

function formatBench(r: ReturnType<typeof benchModel>): string {
  const MiB = 1024 * 1024;
  return [
    `${r.model} at ${r.input}×${r.input}, batch ${r.batch}, ${r.threads} threads, ${r.memoryFormat}`,
    `  training step  median ${r.train.stepMs.median.toFixed(1)} ms (p95 ${r.train.stepMs.p95.toFixed(1)}), ${r.train.imagesPerS.toFixed(1)} images/s`,
    `  inference      median ${r.infer.batchMs.median.toFixed(1)} ms per batch (p95 ${r.infer.batchMs.p95.toFixed(1)})`,
    `  memory         peak tensors ${(r.memory.peakTensorBytes / MiB).toFixed(0)} MiB, peak RSS ${(r.memory.peakRssBytes / MiB).toFixed(0)} MiB`,
    '',
  ].join('\n');
}
