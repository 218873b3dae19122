// Memory sizes as people type them: "850000000", "850MB", "850 MiB", "1.2GB".

const BYTE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
};

/** Bytes (MB = 10⁶ bytes, MiB = 2²⁰, as the report writes them), or null when `text` is not a size. */
export function parseByteSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(text);
  const multiplier = match === null ? undefined : BYTE_UNITS[(match[2] ?? '').toLowerCase()];
  const bytes = match === null || multiplier === undefined ? NaN : Number(match[1]) * multiplier;
  return Number.isFinite(bytes) && bytes > 0 ? bytes : null;
}
