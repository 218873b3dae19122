// Option parsers for commander. A bad value throws commander's InvalidArgumentError, which the CLI
// shows as one line naming the option and the value (src/cli/errors.ts).
import { InvalidArgumentError } from 'commander';

/** Digits only ("1e3", "0x10", "" and "-1" are refused), at least `min`. */
export function integer({ min = 1 } = {}): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min)
      throw new InvalidArgumentError(`It must be a whole number ≥ ${min}.`);
    return n;
  };
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('It must be a number > 0.');
  return n;
}
