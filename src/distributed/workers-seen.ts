// Workers announce themselves in one Redis hash (name → last heartbeat), read by coordinators for
// the live page: which machines and tags are taking jobs, and when each was last seen.
export const WORKERS_KEY = 'pareto-edge:workers';

export interface WorkerBeat {
  worker: string;
  hostname: string;
  tags: string[];
  concurrency: number;
  pid: number;
  startedAt: string;
  lastSeen: string;
}

/** Workers heard from in the last `withinMs`, most recent first. */
export async function workersSeen(
  client: { hgetall(key: string): Promise<Record<string, string>> },
  withinMs = 10 * 60_000,
): Promise<WorkerBeat[]> {
  const now = Date.now();
  return Object.values(await client.hgetall(WORKERS_KEY))
    .map((text) => JSON.parse(text) as WorkerBeat)
    .filter((beat) => now - Date.parse(beat.lastSeen) <= withinMs)
    .sort((a, b) => b.lastSeen.localeCompare(a.lastSeen));
}
