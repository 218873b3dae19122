// Command-line values of the report's options, in the forms people type them.
import { parseByteSize } from '../util/byte-size.js';
import { ReportInputError } from './errors.js';

/** "0.7", "70%" → 0.7. Bare numbers must be fractions, so "70" is refused rather than guessed at. */
export function parseAccuracyFrontier(text: string): number {
  const trimmed = text.trim();
  const percent = trimmed.endsWith('%');
  const value = Number(percent ? trimmed.slice(0, -1) : trimmed);
  const fraction = percent ? value / 100 : value;
  if (trimmed === '' || !Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new ReportInputError(
      `--accuracy-frontier ${text} is not an accuracy: give a fraction in [0, 1] or a percentage, e.g. 0.7 or 70%`,
    );
  }
  return fraction;
}

/** "850000000", "850MB", "850 MiB", "1.2GB" → bytes (MB = 10⁶ bytes, MiB = 2²⁰, like the report). */
export function parseBytes(text: string, option = '--memory-frontier'): number {
  const bytes = parseByteSize(text);
  if (bytes === null) {
    throw new ReportInputError(
      `${option} ${text} is not a memory size: give bytes or a unit, e.g. 850000000 or 850MB`,
    );
  }
  return bytes;
}
