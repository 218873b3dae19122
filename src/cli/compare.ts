// `pareto-edge compare`: train several models on the same data (a matrix of models × datasets ×
// settings) into one experiment directory, then print the paper-style comparison.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PRESETS, planRuns, type ExperimentSpec } from '../experiment/plan.js';
import { runExperiment } from '../experiment/runner.js';
import { readExperimentSpec } from '../experiment/spec-file.js';
import { writeComparison } from '../experiment/comparison.js';
import { modelNames, PAPER_MODELS } from '../zoo/registry.js';
import { isModelFile, readModelFile } from '../zoo/model-file.js';
import { parseFreeze } from '../train/index.js';
import type { MemoryPlan } from '../analysis/index.js';
import {
  MEMORY_BUDGET_HELP,
  MEMORY_FORMAT_HELP,
  MEMORY_PLAN_HELP,
  PRECISION_HELP,
  RECALIBRATE_BN_HELP,
} from './train.js';
import { UsageError } from './errors.js';
import {
  askedMemoryFormat,
  byteSize,
  channelsLastAlias,
  integer,
  memoryFormatSetting,
  memoryPlan,
  precisionSetting,
} from './parse.js';
import type { MemoryFormatSetting } from '../train/memory-format.js';
import { precisionCandidates, type PrecisionSetting } from '../train/precision.js';
import { trainProgress } from './train-progress.js';
import { QueueExecutor } from '../distributed/queue-executor.js';
import { tagName } from './worker.js';

interface CompareFlags {
  preset?: string;
  config?: string;
  models?: string;
  data?: string;
  epochs?: number;
  input?: number;
  batch?: number;
  pretrainedFrom?: string;
  freeze?: string;
  out?: string;
  memoryFormat?: MemoryFormatSetting;
  /** Deprecated alias of --memory-format channels-last. */
  channelsLast?: boolean;
  recalibrateBn?: boolean;
  memoryPlan?: MemoryPlan;
  memoryBudget?: number;
  precision?: PrecisionSetting;
  queue?: string;
  tag?: string;
  resume?: boolean;
}

export function registerCompare(program: Command): void {
  const presets = Object.entries(PRESETS)
    .map(([name, p]) => `${name}: ${p.description}`)
    .join('; ');
  program
    .command('compare')
    .description('train and compare several models on the same data, one run after another (resumable)')
    .option('--preset <name>', `a built-in experiment (${presets})`)
    .option(
      '--config <file>',
      'a JSON experiment spec: {models, datasets} and optionally settings, pretrainedFrom, pretrainedDataset, pretrainedFreeze, train (TrainConfig fields)',
    )
    .option('--models <list>', `comma-separated models (default: ${PAPER_MODELS.join(',')})`)
    .option('--data <dir|synthetic-pcb>', "the data set (overrides the preset's)")
    .option('--epochs <n>', 'epochs per run', integer())
    .option('--input <n>', 'input side in pixels', integer())
    .option('--batch <n>', 'batch size', integer())
    .option('--pretrained-from <exp>', 'an earlier experiment whose runs initialise a pre-trained setting')
    .option(
      '--freeze <what>',
      'what the pre-trained setting leaves untrained: backbone (default, as the paper), none, or last:N',
    )
    .option(
      '--memory-format <f>',
      `${MEMORY_FORMAT_HELP}; default: the spec's, else auto`,
      memoryFormatSetting,
    )
    .addOption(channelsLastAlias())
    .option('--recalibrate-bn', RECALIBRATE_BN_HELP)
    .option('--memory-plan <plan>', MEMORY_PLAN_HELP, memoryPlan)
    .option('--memory-budget <size>', MEMORY_BUDGET_HELP, byteSize)
    .option('--precision <p>', `${PRECISION_HELP}; default: the spec's, else fp32`, precisionSetting)
    .option('--out <dir>', 'experiment directory (default: experiments/<preset or data>)')
    .option(
      '--queue <url>',
      'send the runs to workers (pareto-edge worker) through this Redis: redis://HOST:PORT',
    )
    .option(
      '--resume',
      'continue the experiment already in --out (finished runs and queued jobs are kept, not redone); refuses a folder without one',
    )
    .option(
      '--tag <tag>',
      'with --queue: only workers with this tag train the runs (the device to measure)',
      tagName,
    )
    .action(async (flags: CompareFlags) => {
      if (flags.tag && !flags.queue)
        throw new UsageError('--tag needs --queue: tags choose among queue workers');
      const spec = await buildSpec(flags);
      const name = flags.preset ?? path.basename(Object.values(spec.datasets)[0] ?? 'experiment');
      const expDir = path.resolve(flags.out ?? path.join('experiments', name));
      if (flags.resume) await requireExperiment(expDir);
      const runs = planRuns(spec, expDir);
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const queue = flags.queue
        ? await QueueExecutor.open({ url: flags.queue, expDir, tag: flags.tag ?? null, log })
        : null;
      let outcomes;
      try {
        outcomes = await runExperiment(
          expDir,
          spec,
          runs,
          {
            runStart: (run, i, total) => process.stderr.write(`\n[${i + 1}/${total}] ${run.id}\n`),
            runEnd: (o) => {
              if (o.status === 'skipped') process.stderr.write(`${o.id}: ${o.reason}, not redone\n`);
              if (o.status === 'failed') process.stderr.write(`${o.id} FAILED: ${o.error.split('\n')[0]}\n`);
            },
            train: () => trainProgress(),
          },
          queue?.executorOf(runs),
        );
      } finally {
        await queue?.close();
      }
      const failed = outcomes.filter((o) => o.status === 'failed');
      if (outcomes.length > failed.length) {
        const comparison = await writeComparison(expDir);
        process.stdout.write(`\n${comparison.text}\n`);
        process.stdout.write(`Experiment: ${expDir}\nReport (open in a browser): ${comparison.reportPath}\n`);
      }
      if (failed.length > 0) {
        process.stderr.write(
          `${failed.length} of ${outcomes.length} runs failed: ${failed.map((f) => f.id).join(', ')}\n`,
        );
        process.exitCode = 1;
      }
    });
}

/**
 * --resume continues an experiment; without one in the folder it would silently start a new one, so
 * it refuses. (Without --resume, running the same compare again also continues: finished runs are kept.)
 */
async function requireExperiment(expDir: string): Promise<void> {
  if (!existsSync(path.join(expDir, 'experiment.json')))
    throw new UsageError(
      `--resume: ${expDir} holds no experiment (no experiment.json); check --out, or drop --resume to start one there`,
    );
}

/** --models a,b,c; a spec file's models are checked where it is read. */
function modelList(text: string): string[] {
  const models = text
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const unknown = models.filter((m) => !modelNames().includes(m) && !isModelFile(m));
  if (unknown.length > 0)
    throw new UsageError(
      `--models: unknown model ${unknown.join(', ')}; choose from ${modelNames().join(', ')} or give a description file's path`,
    );
  // A description file is checked now (nothing trained yet) and kept by its absolute path in run.json.
  return models.map((m) => (isModelFile(m) ? (readModelFile(m), path.resolve(m)) : m));
}

async function buildSpec(flags: CompareFlags): Promise<ExperimentSpec> {
  let base: Omit<ExperimentSpec, 'pretrainedFrom'> & { pretrainedFrom?: string | null };
  if (flags.preset && flags.config) throw new UsageError('pass either --preset or --config, not both');
  if (flags.preset) {
    const preset = PRESETS[flags.preset];
    if (!preset)
      throw new UsageError(
        `unknown preset "${flags.preset}"; choose one of ${Object.keys(PRESETS).join(', ')}`,
      );
    if (preset.needsData && !flags.data)
      throw new UsageError(`--preset ${flags.preset} needs --data: ${preset.needsData}`);
    base = structuredClone(preset.spec);
  } else if (flags.config) {
    base = await readExperimentSpec(flags.config);
  } else {
    if (!flags.data)
      throw new UsageError('pass --data DIR|synthetic-pcb (or --preset NAME, or --config FILE)');
    base = {
      models: [...PAPER_MODELS],
      datasets: {},
      settings: ['scratch'],
      pretrainedDataset: null,
      train: {},
    };
  }
  if (flags.data) {
    const [key] = Object.keys(base.datasets);
    const name = key && flags.preset ? key : path.basename(path.resolve(flags.data));
    base.datasets = { [name]: flags.data };
  }
  if (flags.models) base.models = modelList(flags.models);
  if (flags.memoryPlan && flags.memoryBudget !== undefined)
    throw new UsageError(
      '--memory-plan and --memory-budget both choose the memory plan: give the plan, or the budget to choose it',
    );
  const memoryFormat = askedMemoryFormat(flags);
  base.train = {
    ...base.train,
    ...(flags.epochs ? { epochs: flags.epochs } : {}),
    ...(flags.input ? { inputSize: flags.input } : {}),
    ...(flags.batch ? { batchSize: flags.batch } : {}),
    ...(memoryFormat ? { memoryFormat } : {}),
    ...(flags.recalibrateBn ? { recalibrateBatchNorm: true } : {}),
    ...(flags.memoryPlan ? { memoryPlan: flags.memoryPlan } : {}),
    ...(flags.memoryBudget !== undefined ? { memoryBudgetBytes: flags.memoryBudget } : {}),
    ...(flags.precision ? { precision: flags.precision } : {}),
  };
  // Runs on this machine would each refuse bf16 without bfloat16 instructions: refuse it once, now.
  if (!flags.queue && base.train.precision) precisionCandidates(base.train.precision);
  const pretrainedFrom = flags.pretrainedFrom
    ? path.resolve(flags.pretrainedFrom)
    : (base.pretrainedFrom ?? null);
  if (flags.pretrainedFrom && !base.settings.includes('pretrained'))
    base.settings = [...base.settings, 'pretrained'];
  if (base.settings.includes('pretrained') && !pretrainedFrom) {
    if (flags.preset) base.settings = base.settings.filter((s) => s !== 'pretrained');
    else
      throw new UsageError(
        'the pretrained setting needs --pretrained-from EXP_DIR (an experiment with finished runs of the same models)',
      );
  }
  if (flags.freeze) base.pretrainedFreeze = parseFreeze(flags.freeze);
  return { ...base, pretrainedFrom };
}
