// Writes that never leave a half-written file behind: data goes to a temporary sibling (same
// directory, so rename stays on one file system), is flushed, then renamed over the target. A crash,
// Ctrl-C or SIGKILL leaves either the old file or the new one, plus at worst a stray temporary.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { faultPoint } from './fault.js';

/** A unique temporary name next to `path`, safe across processes and worker threads. */
function temporarySibling(path: string): string {
  const tag = `${process.pid}-${threadId}-${randomBytes(4).toString('hex')}`;
  return join(dirname(path), `.${basename(path)}.${tag}.tmp`);
}

/**
 * Writes data (or several parts, in order, without joining them in memory) atomically. durable also
 * flushes the data to disk before the rename, so a power loss cannot leave an empty file behind
 * (checkpoints, weights); caches skip it because fsync per file is slow and they can be rebuilt.
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array | Uint8Array[],
  { durable = false } = {},
): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temporary = temporarySibling(target);
  try {
    const handle = await open(temporary, 'w');
    try {
      const parts = Array.isArray(data)
        ? data
        : [typeof data === 'string' ? Buffer.from(data, 'utf8') : data];
      for (const part of parts) {
        for (let offset = 0; offset < part.length;) {
          const { bytesWritten } = await handle.write(part, offset, part.length - offset);
          offset += bytesWritten;
        }
      }
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  faultPoint(basename(target));
}

/**
 * Removes the temporaries that writes of `targets` (base names) left in `dir` when their process was
 * killed. Only our own pattern (.<target>.<pid>-<thread>-<hex>.tmp) and only those whose process is
 * gone: a live process (this one included) may still be about to rename its temporary into place.
 */
export async function removeStaleTemporaries(dir: string, targets: string[]): Promise<void> {
  for (const name of await readdir(dir).catch(() => [])) {
    const match = /^\.(.+)\.(\d+)-\d+-[0-9a-f]{8}\.tmp$/.exec(name);
    if (!match || !targets.includes(match[1]) || processIsAlive(Number(match[2]))) continue;
    await rm(join(dir, name), { force: true });
  }
}

function processIsAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export async function writeJsonAtomic(target: string, value: unknown): Promise<void> {
  await writeFileAtomic(target, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Builds a directory under a temporary name and renames it into place when `build` succeeds, so a
 * reader either sees the complete directory or none. An existing target is replaced only after the new
 * one is complete.
 */
export async function publishDirectory(
  target: string,
  build: (temporaryDir: string) => Promise<void>,
): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temporary = temporarySibling(target);
  try {
    await mkdir(temporary, { recursive: true });
    await build(temporary);
    const previous = `${temporary}.old`;
    let hadPrevious = true;
    try {
      await rename(target, previous);
    } catch {
      hadPrevious = false;
    }
    await rename(temporary, target);
    if (hadPrevious) await rm(previous, { recursive: true, force: true });
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}
