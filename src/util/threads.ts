// The most threads a user may ask for (--threads, --workers, a spec file's threads/workers). Beyond a
// few per core, threads only compete for the same cores (--threads 1000 ran 30× slower) and exhaust
// the machine: --threads 100000 hung once the process could start no more threads, and --workers 300
// ran out of memory (each loader worker is a V8 isolate of its own).
import os from 'node:os';

export const THREADS_PER_CORE = 4;

/** The largest thread count accepted on this machine. */
export function maxThreads(): number {
  return THREADS_PER_CORE * os.availableParallelism();
}

/** Why a larger count is refused, for error messages. */
export function maxThreadsReason(): string {
  return (
    `at most ${maxThreads()} (${THREADS_PER_CORE} per core, ${os.availableParallelism()} cores here): ` +
    'more threads only compete for the same cores and exhaust memory'
  );
}
