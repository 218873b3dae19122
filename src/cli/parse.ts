// Option parsers for commander. A bad value throws commander's InvalidArgumentError, which the CLI
// shows as one line naming the option and the value (src/cli/errors.ts).
import { InvalidArgumentError } from 'commander';
import { THREADS_PER_CORE, maxThreads, maxThreadsReason } from '../util/threads.js';

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
