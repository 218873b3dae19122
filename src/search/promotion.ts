// Which candidates a successive-halving rung promotes, and which are compared on the front.
//
// Promotion by accuracy alone (plain ASHA) cuts every small network at the first rung, since small
// networks are rarely the most accurate after one epoch; the front then never sees them at full
// training. So a rung promotes by NSGA-II's selection on the rung's own objectives (validation
// accuracy at that rung, memory, time), as multi-objective ASHA does (Schmucker et al., "Multi-objective
// Asynchronous Successive Halving", 2021, the NSGA-II variant): the rung's non-dominated candidates
// first, the rest by crowding.
//
// The proxy pre-filter selects the same way, on what is known before training: the proxy (an accuracy
// estimate), the predicted memory, and MACs (or the measured latency) for time. By the proxy alone it
// favoured large networks, since the gradient norm grows with size: in the third PCB search it cut
// 11 of the 15 scored networks below 100 MB before they were trained.
//
// Accuracy after one epoch and after four are different measurements, so the front compares only
// candidates trained through every rung; one stopped at an earlier rung was dominated there.
import { fastNonDominatedSort, selectSurvivors, type Evaluated } from '../pareto/index.js';
import type { CandidateRecord, SearchSettings } from './types.js';

/** Marks a violation too small to matter but enough to rank a candidate behind every fully trained one. */
export const UNTRAINED = 1e-9;

type Objective = SearchSettings['objective'];

/** Accuracy, memory and time at one rung (default: the last rung it reached). */
export function scoresOf(
  record: CandidateRecord,
  objective: Objective,
  rung = record.rungs.length - 1,
): Record<string, number> {
  const result = record.rungs[rung]!;
  return {
    accuracy: result.valAcc,
    memory: record.peakBytes,
    time: objective === 'latency' ? record.latencyMs! : result.meanEpochS,
  };
}

export function isTrained(record: CandidateRecord): boolean {
  return record.excluded === null && record.rungs.length > 0;
}

/** Trained through every rung of the schedule: only these are compared on the front. */
export function isFullyTrained(record: CandidateRecord, rungs: number): boolean {
  return record.excluded === null && record.rungs.length === rungs;
}

/** Cost vector (every axis minimised) at a rung. */
export function costsAt(record: CandidateRecord, objective: Objective, rung?: number): number[] {
  const s = scoresOf(record, objective, rung);
  return [-s.accuracy!, s.memory!, s.time!];
}

/**
 * NSGA-II's view of a candidate: fully trained ones by their objectives; the rest behind them, those
 * stopped at a later rung ahead of those stopped earlier, and untrained ones by their budget violation.
 */
export function evaluatedCandidate(record: CandidateRecord, objective: Objective, rungs: number): Evaluated {
  if (isFullyTrained(record, rungs)) return { costs: costsAt(record, objective), violation: 0 };
  const missing = rungs - (isTrained(record) ? record.rungs.length : 0);
  return { costs: [0, record.peakBytes, 0], violation: Math.max(record.violation, UNTRAINED * missing) };
}

/**
 * The `keep` candidates of a rung promoted to the next (all of them trained at that rung), best
 * non-dominated front first, so a budget running out mid-rung has trained the most promising.
 */
export function promote(
  members: readonly CandidateRecord[],
  rung: number,
  keep: number,
  objective: Objective,
): CandidateRecord[] {
  return selectBy(members, keep, (r) => costsAt(r, objective, rung));
}

/** NSGA-II's selection of `keep` records by the given costs, independent of the records' order. */
function selectBy(
  records: readonly CandidateRecord[],
  keep: number,
  costs: (record: CandidateRecord) => number[],
): CandidateRecord[] {
  // Sorted by hash first: selection breaks ties by position, so the outcome must not depend on order.
  const ordered = [...records].sort((a, b) => a.hash.localeCompare(b.hash));
  const kept = selectSurvivors(
    ordered.map((r) => ({ costs: costs(r), violation: 0 })),
    keep,
  );
  return kept.map((i) => ordered[i]!);
}

/** The `keep` proxy-scored candidates trained at all (the pre-filter). */
export function preFilterKeep(
  records: readonly CandidateRecord[],
  keep: number,
  objective: Objective,
): CandidateRecord[] {
  return selectBy(records, keep, (r) => [
    -r.proxy!,
    r.peakBytes,
    objective === 'latency' ? r.latencyMs! : r.macs,
  ]);
}

/** The non-dominated candidates among those trained through every rung. */
export function frontOf(
  records: readonly CandidateRecord[],
  objective: Objective,
  rungs: number,
): CandidateRecord[] {
  const complete = records.filter((r) => isFullyTrained(r, rungs));
  const fronts = fastNonDominatedSort(complete.map((r) => ({ costs: costsAt(r, objective), violation: 0 })));
  return (fronts[0] ?? []).map((i) => complete[i]!);
}
