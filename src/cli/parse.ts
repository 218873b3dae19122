// Option parsers for commander. A bad value throws commander's InvalidArgumentError, which the CLI
// shows as one line naming the option and the value (src/cli/errors.ts).
import { InvalidArgumentError, Option } from 'commander';
import { THREADS_PER_CORE, maxThreads, maxThreadsReason } from '../util/threads.js';
import { parseByteSize } from '../util/byte-size.js';
import { MemoryPlanError, parseMemoryPlan, type MemoryPlan } from '../analysis/index.js';
import { isPrecisionSetting, type PrecisionSetting } from '../train/precision.js';
import { isMemoryFormatSetting, type MemoryFormatSetting } from '../train/memory-format.js';
import { UsageError } from './errors.js';

/** Digits only ("1e3", "0x10", "" and "-1" are refused), at least `min`. */
export function integer({ min = 1 } = {}): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min)
      throw new InvalidArgumentError(`It must be a whole number ≥ ${min}.`);
    return n;
  };
}

/** A whole number of threads from 1 up to maxThreads() (src/util/threads.ts says why). */
export function threadCount(value: string): number {
  const n = integer()(value);
  if (n > maxThreads()) throw new InvalidArgumentError(`It must be ${maxThreadsReason()}.`);
  return n;
}

/** Help text of a thread-count option: its default and its maximum. */
export function threadsHelp(what: string, byDefault: string): string {
  return `${what} (default: ${byDefault}; at most ${THREADS_PER_CORE} per core, ${maxThreads()} here)`;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('It must be a number > 0.');
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('It must be a number ≥ 0.');
  return n;
}

/** A size such as "200MB", "1.5GiB" or "5000000" (bytes): decimal units are powers of 1000. */
export function byteSize(value: string): number {
  const bytes = parseByteSize(value);
  if (bytes === null || Math.round(bytes) < 1)
    throw new InvalidArgumentError(
      'It must be a size such as 200MB, 1.5GB or 512MiB (B, KB, MB, GB, KiB, MiB, GiB).',
    );
  return Math.round(bytes);
}

/** A --memory-plan such as checkpoint=blocks,microbatch=4,optimizer=in-backward. */
export function memoryPlan(value: string): MemoryPlan {
  try {
    return parseMemoryPlan(value);
  } catch (error) {
    if (error instanceof MemoryPlanError) throw new InvalidArgumentError(`${error.message}.`);
    throw error;
  }
}

/** --precision: auto, fp32 or bf16 (resolved against the CPU by the command, see src/train/precision.ts). */
export function precisionSetting(value: string): PrecisionSetting {
  if (!isPrecisionSetting(value)) throw new InvalidArgumentError('It must be auto, fp32 or bf16.');
  return value;
}

/** --memory-format: auto, nchw or channels-last (auto is measured where the model runs: src/train/memory-format.ts). */
export function memoryFormatSetting(value: string): MemoryFormatSetting {
  if (!isMemoryFormatSetting(value))
    throw new InvalidArgumentError('It must be auto, nchw or channels-last.');
  return value;
}

/** --channels-last, kept for scripts written before --memory-format: hidden from --help. */
export function channelsLastAlias(): Option {
  return new Option('--channels-last', 'deprecated: --memory-format channels-last').hideHelp();
}

/** The format the flags ask for (undefined: not asked); --channels-last means --memory-format channels-last. */
export function askedMemoryFormat(flags: {
  memoryFormat?: MemoryFormatSetting;
  channelsLast?: boolean;
}): MemoryFormatSetting | undefined {
  if (!flags.channelsLast) return flags.memoryFormat;
  if (
    flags.memoryFormat !== undefined &&
    flags.memoryFormat !== 'auto' &&
    flags.memoryFormat !== 'channels-last'
  )
    throw new UsageError(
      `--channels-last means --memory-format channels-last, which contradicts --memory-format ${flags.memoryFormat}: give one`,
    );
  process.stderr.write('--channels-last is deprecated: use --memory-format channels-last\n');
  return 'channels-last';
}
