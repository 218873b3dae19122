// What the Pareto analysis optimises: named numeric fields, each with the direction that is better.
// Points are plain records of numbers, so the same code ranks training runs, architecture candidates
// or anything else that can be scored.

export type Direction = 'max' | 'min';

export interface Objective {
  /** The field of a point's scores this objective reads, e.g. "final.testAcc". */
  key: string;
  direction: Direction;
  /** For people: "Test accuracy". */
  label: string;
}

/** One point's values, keyed by objective key. */
export type Scores = Readonly<Record<string, number>>;

/** The value of `objective` in `point`, refusing missing or non-finite values (they cannot be ranked). */
export function scoreOf(point: Scores, objective: Objective): number {
  const value = point[objective.key];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`point has no finite value for objective "${objective.key}" (got ${String(value)})`);
  }
  return value;
}

/**
 * The value turned so that smaller is always better. Every algorithm below works in this
 * minimisation space, which keeps the direction logic in one place.
 */
export function costOf(point: Scores, objective: Objective): number {
  const value = scoreOf(point, objective);
  return objective.direction === 'min' ? value : -value;
}

export function assertObjectives(objectives: readonly Objective[]): void {
  if (objectives.length === 0) throw new Error('at least one objective is needed');
  const seen = new Set<string>();
  for (const objective of objectives) {
    if (seen.has(objective.key)) throw new Error(`objective "${objective.key}" is listed twice`);
    seen.add(objective.key);
  }
}
