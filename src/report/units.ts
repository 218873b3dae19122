// How numbers are shown. MB means 10⁶ bytes throughout the report (stated in its method section).
export type Unit = 'fraction' | 'bytes' | 'seconds' | 'ms' | 'count' | 'number';

export const BYTES_PER_MB = 1e6;

/** The unit a value is shown in, for axis titles and column headers. */
export function displayUnit(unit: Unit): string {
  switch (unit) {
    case 'fraction':
      return '%';
    case 'bytes':
      return 'MB';
    case 'seconds':
      return 's';
    case 'ms':
      return 'ms';
    case 'count':
      return 'M';
    case 'number':
      return '';
  }
}

/** A raw value converted to its display unit: 0.7621 → 76.21 (%), 847_900_000 → 847.9 (MB). */
export function toDisplay(value: number, unit: Unit): number {
  switch (unit) {
    case 'fraction':
      return value * 100;
    case 'bytes':
      return value / BYTES_PER_MB;
    case 'count':
      return value / 1e6;
    default:
      return value;
  }
}

/** Decimal places that keep the paper's precision: 76.21%, 847.9 MB, 523.88 s, 465 ms, 15.8M. */
function displayDecimals(unit: Unit, displayed: number): number {
  switch (unit) {
    case 'fraction':
      return 2;
    case 'bytes':
      return 1;
    case 'seconds':
      return Math.abs(displayed) >= 100 ? 1 : 2;
    case 'ms':
      return Math.abs(displayed) >= 100 ? 0 : Math.abs(displayed) >= 10 ? 1 : 2;
    case 'count':
      return Math.abs(displayed) >= 0.1 ? 1 : 3;
    case 'number':
      return 3;
  }
}

/** "76.21%", "847.9 MB", "523.9 s", "465 ms", "15.8M"; an em dash for a missing value. */
export function formatValue(value: number | null, unit: Unit): string {
  if (value === null) return '—';
  const displayed = toDisplay(value, unit);
  const text = displayed.toFixed(displayDecimals(unit, displayed));
  switch (unit) {
    case 'fraction':
      return `${text}%`;
    case 'count':
      return `${text}M`;
    case 'number':
      return text;
    default:
      return `${text} ${displayUnit(unit)}`;
  }
}
