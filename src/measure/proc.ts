// Memory readings from Linux /proc: the process's resident set (statm, status) and the whole system's
// used RAM (meminfo). Every reader returns null off Linux or when the file cannot be read, never throws.
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import os from 'node:os';

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return null;
  }
}

/** Values of "Key:   123 kB" lines, in bytes (lines without a kB unit are taken as plain numbers). */
function parseKbFields(text: string): Map<string, number> {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([^:]+):\s+(\d+)(\s+kB)?/.exec(line);
    if (match) fields.set(match[1], Number(match[2]) * (match[3] ? 1024 : 1));
  }
  return fields;
}

/** The kernel's page size in bytes, from the first mapping in /proc/self/smaps (4096 when unknown). */
function readPageSize(): number {
  let fd: number | undefined;
  try {
    fd = openSync('/proc/self/smaps', 'r');
    const buffer = Buffer.alloc(4096);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    const kb = /KernelPageSize:\s+(\d+) kB/.exec(buffer.toString('latin1', 0, n));
    return kb ? Number(kb[1]) * 1024 : 4096;
  } catch {
    return 4096;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

let pageSize: number | undefined;

/**
 * Reads this process's resident set size over and over at little cost: /proc/self/statm (pages, second
 * field) through a file descriptor kept open, re-read from offset 0. Off Linux it falls back to
 * process.memoryUsage.rss() (libuv's portable reading of the same quantity); `source` says which.
 */
export class RssReader {
  readonly source: 'statm' | 'memoryUsage';
  private fd: number | null = null;
  private readonly buffer = Buffer.alloc(256);
  private readonly pageBytes: number;

  constructor() {
    try {
      this.fd = openSync('/proc/self/statm', 'r');
      this.source = 'statm';
    } catch {
      this.source = 'memoryUsage';
    }
    pageSize ??= readPageSize();
    this.pageBytes = pageSize;
  }

  /** Resident bytes now; NaN if the reading failed. */
  read(): number {
    if (this.fd === null) return process.memoryUsage.rss();
    try {
      const n = readSync(this.fd, this.buffer, 0, this.buffer.length, 0);
      const resident = Number(this.buffer.toString('latin1', 0, n).split(' ')[1]);
      return resident * this.pageBytes;
    } catch {
      return NaN;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

export interface ProcessMemoryStatus {
  /** Resident set size now (VmRSS). */
  rssBytes: number;
  /** The kernel's high-water mark of the resident set (VmHWM), since start or the last resetPeakRss(). */
  hwmBytes: number;
}

/** VmRSS and VmHWM from /proc/self/status; null off Linux. */
export function readProcessMemoryStatus(): ProcessMemoryStatus | null {
  const text = readText('/proc/self/status');
  if (text === null) return null;
  const fields = parseKbFields(text);
  const rssBytes = fields.get('VmRSS');
  const hwmBytes = fields.get('VmHWM');
  if (rssBytes === undefined || hwmBytes === undefined) return null;
  return { rssBytes, hwmBytes };
}

/**
 * Resets the kernel's resident high-water mark (VmHWM) to the current RSS by writing 5 to
 * /proc/self/clear_refs (Linux ≥ 4.0). Returns null on success, or why it could not.
 */
export function resetPeakRss(): string | null {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return null;
  } catch (error) {
    return `VmHWM could not be reset (${(error as NodeJS.ErrnoException).code ?? String(error)} writing /proc/self/clear_refs)`;
  }
}

export interface SystemMemory {
  totalBytes: number;
  /** MemTotal − MemAvailable: what the kernel thinks cannot be handed out without swapping. */
  usedBytes: number;
  /**
   * jtop's "used" (jetson-stats, jtop/core/memory.py): MemTotal − MemFree − Buffers − Cached. The paper
   * logged jtop's stats['RAM'], which is this divided by MemTotal.
   */
  jtopUsedBytes: number;
  /** jtopUsedBytes / totalBytes: the number in the paper's Mem_Use column. */
  jtopUsedFraction: number;
  source: 'meminfo' | 'os';
}

/** Parses /proc/meminfo text into whole-system memory figures. */
export function parseMeminfo(text: string): SystemMemory | null {
  const f = parseKbFields(text);
  const total = f.get('MemTotal');
  const free = f.get('MemFree');
  if (total === undefined || free === undefined || total === 0) return null;
  // MemAvailable exists since Linux 3.14; before that, free + page cache is the usual estimate.
  const available = f.get('MemAvailable') ?? free + (f.get('Cached') ?? 0);
  const jtopUsed = total - free - (f.get('Buffers') ?? 0) - (f.get('Cached') ?? 0);
  return {
    totalBytes: total,
    usedBytes: total - available,
    jtopUsedBytes: jtopUsed,
    jtopUsedFraction: jtopUsed / total,
    source: 'meminfo',
  };
}

/**
 * Whole-system used RAM now. On Linux from /proc/meminfo; elsewhere os.totalmem() − os.freemem(), which
 * counts the page cache as used (so it overstates), and the jtop figures equal that.
 */
export function readSystemMemory(): SystemMemory {
  const text = readText('/proc/meminfo');
  const parsed = text === null ? null : parseMeminfo(text);
  if (parsed) return parsed;
  const total = os.totalmem();
  const used = total - os.freemem();
  return {
    totalBytes: total,
    usedBytes: used,
    jtopUsedBytes: used,
    jtopUsedFraction: used / total,
    source: 'os',
  };
}
