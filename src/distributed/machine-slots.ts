// BullMQ counts a worker's concurrency per queue, and a worker with tags listens on several queues
// (each tag's and the untagged one): alone, it could train --concurrency runs per queue at once, and
// runs sharing a board measure each other's load. So each job's process first takes one of the
// machine's --concurrency slots, a file created exclusively in the worker's own folder; with none
// free the job goes back to the queue for a moment, where another board may take it.
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

export interface MachineSlots {
  /** The worker process's slot folder. */
  dir: string;
  count: number;
}

/** Takes a free slot for this process; returns its release, or null when every slot is taken. */
export async function takeSlot(slots: MachineSlots): Promise<(() => Promise<void>) | null> {
  await mkdir(slots.dir, { recursive: true });
  for (let index = 0; index < slots.count; index++) {
    const file = path.join(slots.dir, `slot-${index}`);
    if ((await claim(file)) || ((await holderIsGone(file)) && (await claim(file)))) {
      return () => rm(file, { force: true });
    }
  }
  return null;
}

async function claim(file: string): Promise<boolean> {
  try {
    const handle = await open(file, 'wx');
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** A slot whose process died (a killed job process cannot release it) is removed and free again. */
async function holderIsGone(file: string): Promise<boolean> {
  const pid = Number(await readFile(file, 'utf8').catch(() => ''));
  try {
    if (pid > 0) process.kill(pid, 0);
    if (pid > 0) return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPERM') return false;
  }
  await rm(file, { force: true });
  return true;
}
