// `pareto-edge search`: find the Pareto-optimal networks of a family for a device's budgets
// (src/search), or continue one with --resume.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import path from 'node:path';
import {
  SPACES,
  resumeSearch,
  startSearch,
  type SearchProgress,
  type SearchRecordFile,
  type SearchRequest,
} from '../search/index.js';
import { DEFAULT_TRAIN_CONFIG } from '../train/index.js';
import { runPlanned, type RunExecutor } from '../experiment/runner.js';
import { QueueExecutor } from '../distributed/queue-executor.js';
import { UsageError } from './errors.js';
import {
  byteSize,
  integer,
  memoryFormatSetting,
  memoryPlan,
  positiveNumber,
  precisionSetting,
  threadCount,
  threadsHelp,
} from './parse.js';
import { MEMORY_FORMAT_HELP, PRECISION_HELP } from './train.js';
import type { MemoryFormatSetting } from '../train/memory-format.js';
import { precisionCandidates, type PrecisionSetting } from '../train/precision.js';
import { formatMemoryPlan, type MemoryPlan } from '../analysis/index.js';
import { tagName } from './worker.js';

interface SearchFlags {
  family?: string;
  data?: string;
  input: number;
  inputSizes?: string;
  memoryBudget?: number;
  memoryPlan?: MemoryPlan;
  memoryFormat: MemoryFormatSetting;
  precision: PrecisionSetting;
  latencyBudget?: string;
  paramBudget?: number;
  budget?: string;
  generations?: number;
  population: number;
  rungs: string;
  keep: number;
  proxyKeep: number;
  objective: string;
  seed: number;
  batch: number;
  augment?: boolean;
  references?: boolean;
  threads?: number;
  workers?: number;
  out?: string;
  resume?: string;
  subset?: number;
  queue?: string;
  tag?: string;
}

export function registerSearch(program: Command): void {
  program
    .command('search')
    .description(
      "search a family's compact-network-design space for the networks on the Pareto front of accuracy, training memory and time, within budgets",
    )
    .option('--family <name>', `family whose space is searched: ${Object.keys(SPACES).join(', ')}`)
    .option('--data <dir|synthetic-pcb>', 'image folder, caltech101, or the generated PCB set')
    .option('--input <n>', 'input side in pixels', integer(), 64)
    .option(
      '--subset <fraction>',
      'train trials on this seeded, stratified fraction of every split (default 1: all)',
      fraction,
    )
    .option('--input-sizes <list>', 'input sides the search may choose from, e.g. 48,64 (default: --input)')
    .option(
      '--memory-budget <bytes>',
      'peak training memory budget of every candidate under --memory-plan, e.g. 300MB (predicted by the analysis)',
      byteSize,
    )
    .option(
      '--memory-plan <plan>',
      'memory plan every trial trains under, and the memory objective is predicted for, e.g. checkpoint=blocks,optimizer=in-backward (docs/memory.md; default: the ordinary step)',
      memoryPlan,
    )
    .option(
      '--memory-format <f>',
      `memory format of every trial: ${MEMORY_FORMAT_HELP.replace('the model', 'each candidate')}`,
      memoryFormatSetting,
      DEFAULT_TRAIN_CONFIG.memoryFormat,
    )
    .option(
      '--precision <p>',
      `precision of every trial (and of the memory prediction): ${PRECISION_HELP.replace('the model', 'each candidate')}`,
      precisionSetting,
      DEFAULT_TRAIN_CONFIG.precision,
    )
    .option('--latency-budget <time>', 'inference latency budget per image on this machine, e.g. 40ms')
    .option('--param-budget <n>', 'parameter budget (Keras count)', integer())
    .option('--budget <time>', 'wall time for evaluations, e.g. 60m, 2h, 900s (default 60m)')
    .option('--generations <n>', 'stop after this many generations even with time left', integer())
    .option('--population <n>', 'population size', integer({ min: 2 }), 8)
    .option('--rungs <epochs>', 'successive-halving rungs in epochs, e.g. 1,3', '1,3')
    .option(
      '--keep <fraction>',
      "fraction of a rung promoted to the next, by NSGA-II selection on the rung's accuracy, memory and time",
      fraction,
      0.5,
    )
    .option(
      '--proxy-keep <fraction>',
      'fraction of new offspring trained, by NSGA-II selection on proxy, memory and MACs (1: all)',
      fraction,
      0.5,
    )
    .option('--objective <what>', 'time objective: epoch-time or latency', 'epoch-time')
    .option('--seed <n>', 'seed of the search and of every trial', integer({ min: 0 }), 0)
    .option('--batch <n>', 'batch size of every trial (and of the memory prediction)', integer(), 16)
    .option('--augment', "train trials with the paper's augmentation (default: none)")
    .option('--references', "also train the paper's four models at the last rung's settings, for the report")
    .option('--threads <n>', threadsHelp('intra-op threads', 'every core'), threadCount)
    .option('--workers <n>', threadsHelp('data loader threads', 'one per core'), threadCount)
    .option('--out <dir>', 'search directory to create')
    .option(
      '--queue <url>',
      'train the trials on workers (pareto-edge worker) through this Redis: redis://HOST:PORT',
    )
    .option(
      '--tag <tag>',
      'with --queue: only workers with this tag train the trials (the device to measure)',
      tagName,
    )
    .option(
      '--resume <dir>',
      'continue the search in this directory with its own settings (--budget may extend it)',
    )
    .action(async (flags: SearchFlags) => {
      if (flags.tag && !flags.queue)
        throw new UsageError('--tag needs --queue: tags choose among queue workers');
      const progress = searchProgress();
      const queue = flags.queue
        ? lazyQueue(flags.queue, path.resolve(flags.resume ?? flags.out ?? '.'), flags.tag ?? null, (line) =>
            progress.note(line),
          )
        : null;
      const options = {
        onProgress: progress,
        onReference: (model: string) => progress.note(`training reference ${model}`),
        execute: queue?.execute ?? runPlanned,
      };
      let record: SearchRecordFile;
      let dir: string;
      try {
        if (flags.resume) {
          dir = flags.resume;
          record = await resumeSearch(dir, {
            ...options,
            ...(flags.budget !== undefined ? { budgetS: parseDuration(flags.budget, '--budget', 's') } : {}),
          });
        } else {
          if (!flags.out) throw new UsageError('search needs --out DIR (a new directory) or --resume DIR');
          dir = flags.out;
          record = await startSearch(dir, toRequest(flags), options);
        }
      } finally {
        await queue?.close();
      }
      progress.done();
      process.stdout.write(formatOutcome(dir, record));
    });
}

/**
 * The queue, opened at the first trial: by then the search has checked its budgets and created its
 * directory, where the coordinator keeps queue.json. Trials go one at a time (the search charges each
 * one's wall time to its budget), on whichever worker, or the tagged device, takes them.
 */
function lazyQueue(
  url: string,
  dir: string,
  tag: string | null,
  log: (line: string) => void,
): { execute: RunExecutor; close(): Promise<void> } {
  let opened: Promise<QueueExecutor> | null = null;
  return {
    execute: async (run, events) => {
      opened ??= QueueExecutor.open({ url, expDir: dir, tag, log });
      return (await opened).execute(run, events);
    },
    close: async () => {
      if (opened) await (await opened).close();
    },
  };
}

function toRequest(flags: SearchFlags): SearchRequest {
  if (!flags.family) throw new UsageError(`search needs --family (${Object.keys(SPACES).join(', ')})`);
  if (!flags.data) throw new UsageError('search needs --data (an image folder or synthetic-pcb)');
  if (flags.objective !== 'epoch-time' && flags.objective !== 'latency')
    throw new UsageError(`--objective must be epoch-time or latency, got "${flags.objective}"`);
  const rungs = list(flags.rungs, '--rungs');
  const plan = flags.memoryPlan ?? DEFAULT_TRAIN_CONFIG.memoryPlan;
  if (plan.microbatch > flags.batch)
    throw new UsageError(
      `--memory-plan ${formatMemoryPlan(plan)} asks for more micro-batches than the batch of ${flags.batch} images; lower microbatch or raise --batch`,
    );
  if (rungs.some((r, i) => i > 0 && r <= rungs[i - 1]!))
    throw new UsageError(`--rungs must increase, e.g. 1,3; got ${flags.rungs}`);
  // Trials on this machine would each refuse bf16 without bfloat16 instructions: refuse it once, now.
  if (!flags.queue) precisionCandidates(flags.precision);
  return {
    family: flags.family,
    sourceData: flags.data,
    subset: flags.subset ?? 1,
    inputSizes: flags.inputSizes ? list(flags.inputSizes, '--input-sizes') : [flags.input],
    memoryBudgetBytes: flags.memoryBudget ?? null,
    latencyBudgetMs: flags.latencyBudget
      ? parseDuration(flags.latencyBudget, '--latency-budget', 'ms')
      : null,
    paramBudget: flags.paramBudget ?? null,
    budgetS: parseDuration(flags.budget ?? '60m', '--budget', 's'),
    maxGenerations: flags.generations ?? null,
    objective: flags.objective,
    seed: flags.seed,
    populationSize: flags.population,
    rungs,
    keepFraction: flags.keep,
    proxyKeep: flags.proxyKeep,
    references: flags.references ?? false,
    train: {
      ...DEFAULT_TRAIN_CONFIG,
      batchSize: flags.batch,
      memoryPlan: plan,
      memoryFormat: flags.memoryFormat,
      precision: flags.precision,
      seed: flags.seed,
      augment: flags.augment ?? false,
      schedule: { kind: 'constant' },
      // The demo preset's reason: after a few epochs BatchNorm's moving statistics are still near
      // their initial values; re-estimating them makes short trials' accuracies meaningful.
      recalibrateBatchNorm: true,
      latencyIterations: 10,
      threads: flags.threads ?? null,
      workers: flags.workers ?? null,
    },
  };
}

function fraction(value: string): number {
  const n = positiveNumber(value);
  if (n > 1) throw new InvalidArgumentError('It must be a fraction in (0, 1].');
  return n;
}

function list(text: string, option: string): number[] {
  const values = text.split(',').map((v) => Number(v.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1))
    throw new UsageError(`${option} must be whole numbers >= 1 separated by commas, got "${text}"`);
  return values;
}

const UNITS_S: Record<string, number> = { ms: 1e-3, s: 1, m: 60, min: 60, h: 3600 };

/** "40ms", "0.5s", "60m", "2h" → seconds or milliseconds (`unit`); a bare number is in `unit`. */
export function parseDuration(text: string, option: string, unit: 's' | 'ms'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/.exec(text);
  if (!match || !(Number(match[1]) > 0))
    throw new UsageError(`${option} ${text} is not a duration: give e.g. 40ms, 90s, 60m or 2h`);
  const seconds = Number(match[1]) * (match[2] ? UNITS_S[match[2]]! : unit === 's' ? 1 : 1e-3);
  return unit === 's' ? seconds : seconds * 1000;
}

const clock = (s: number): string =>
  s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;

/** One status line rewritten in place on a terminal; nothing when not a TTY or CI=true. */
function searchProgress(stream: NodeJS.WriteStream = process.stderr) {
  const interactive = stream.isTTY === true && !process.env.CI;
  let shown = false;
  const show = (text: string) => {
    if (!interactive) return;
    stream.write(`\r\x1b[2K${text.slice(0, (stream.columns || 120) - 1)}`);
    shown = true;
  };
  const update = (p: SearchProgress) => {
    const eta = Math.max(0, p.budgetS - p.spentS);
    show(
      `gen ${p.generation} · ${p.trials} trials · ${clock(p.spentS)} / ${clock(p.budgetS)} · front ${p.frontSize} · ` +
        `HV ${p.hypervolume.toFixed(3)} · ETA ≤ ${clock(eta)} · ${p.activity}`,
    );
  };
  return Object.assign(update, {
    note: show,
    done: () => {
      if (shown) stream.write('\r\x1b[2K');
    },
  });
}

function formatOutcome(dir: string, r: SearchRecordFile): string {
  const byHash = new Map(r.candidates.map((c) => [c.hash, c]));
  const last = r.generations[r.generations.length - 1];
  const rows = r.front.map((f, i) => {
    const c = byHash.get(f.hash)!;
    const rung = c.rungs[c.rungs.length - 1]!;
    const time =
      r.settings.objective === 'latency'
        ? `${c.latencyMs!.toFixed(1)} ms`
        : `${rung.meanEpochS.toFixed(1)} s/epoch`;
    return `  ${i + 1}. ${c.name.padEnd(24)} val acc ${(rung.valAcc * 100).toFixed(1)}% (${rung.epochs} ep)  memory ${(c.peakBytes / 1e6).toFixed(1)} MB  ${time}  ${path.join(dir, f.file)}`;
  });
  const tau = r.proxy.kendallTau === null ? 'n/a' : r.proxy.kendallTau.toFixed(2);
  return [
    `search ${dir}: ${r.generations.length} generation(s), ${last?.trials ?? 0} trials, ${clock(last?.spentS ?? 0)} of evaluation` +
      (r.budgetSpent ? ' (time budget spent)' : ''),
    `front (${r.front.length}), hypervolume ${(last?.hypervolume ?? 0).toFixed(3)}:`,
    ...rows,
    `proxy ${r.proxy.proxy}: Kendall τ ${tau} against validation accuracy after ${r.proxy.rungEpochs} epoch(s) over ${r.proxy.pairs} trained candidates`,
    `report: pareto-edge report ${dir}`,
    '',
  ].join('\n');
}
