// libgomp's wait policy, chosen before libtorch loads (./native.ts) and named in benchmark headers.
/**
 * How long libgomp's threads (under libtorch and OpenBLAS) spin at a barrier before sleeping, in
 * spins (libgomp estimates about 100,000 per millisecond): set unless the user chose a wait policy or
 * a spin count. libgomp reads it once, when the addon loads it. Its own default, 300,000, spins
 * against any other process on the machine: an epoch measured at 23 s without spinning did not finish
 * in 200 s with it (README, "the main job"). No spinning at all (OMP_WAIT_POLICY=PASSIVE) wakes a
 * sleeping thread at every parallel region: xception-lite's step at 64 px took 1.3× as long as with
 * spinning on an idle machine. 1,000 spins (about 10 µs) got all of that back, and beside one or three
 * busy processes cost 1.15–1.25× PASSIVE's step, where 10,000 cost 2.5× and ACTIVE 1.8×
 * (docs/benchmarks.md, bench/contention/run.sh).
 */
export const DEFAULT_SPIN_COUNT = 1000;

/** Sets GOMP_SPINCOUNT to DEFAULT_SPIN_COUNT in env unless a wait policy or spin count is already set. */
export function chooseWaitPolicy(env: NodeJS.ProcessEnv): void {
  if (env.OMP_WAIT_POLICY || env.GOMP_SPINCOUNT) return;
  env.GOMP_SPINCOUNT = String(DEFAULT_SPIN_COUNT);
}

/** The wait policy libgomp runs with, for benchmark headers: "GOMP_SPINCOUNT 1000", "OMP_WAIT_POLICY PASSIVE". */
export function describeWaitPolicy(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GOMP_SPINCOUNT) return `GOMP_SPINCOUNT ${env.GOMP_SPINCOUNT}`;
  return `OMP_WAIT_POLICY ${env.OMP_WAIT_POLICY || 'unset'}`;
}
