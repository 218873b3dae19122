// NSGA-II's selection (Deb et al., IEEE TEC 2002) as pure functions over cost vectors (every objective
// minimised) and constraint violations (0 = feasible). The variation operators belong to the problem
// (real-valued genes in the tests, architecture genes in src/search); the randomness is the caller's
// `random()` in [0, 1), so a seeded generator makes a run reproducible.

export interface Evaluated {
  /** One value per objective, smaller is better. */
  costs: readonly number[];
  /** Total amount by which constraints are broken; 0 when feasible (Deb's constraint handling). */
  violation: number;
}

/**
 * Deb's constrained domination: a feasible point beats an infeasible one; of two infeasible points
 * the one breaking its constraints by less wins; two feasible points compare by Pareto dominance.
 */
export function constrainedDominates(a: Evaluated, b: Evaluated): boolean {
  if (a.violation === 0 && b.violation > 0) return true;
  if (a.violation > 0) return b.violation > 0 && a.violation < b.violation;
  if (b.violation > 0) return false;
  let strictlyBetter = false;
  for (let axis = 0; axis < a.costs.length; axis += 1) {
    const difference = a.costs[axis]! - b.costs[axis]!;
    if (difference > 0) return false;
    if (difference < 0) strictlyBetter = true;
  }
  return strictlyBetter;
}

/** Fast non-dominated sort (O(M·N²)): index lists, best front first, every point in exactly one. */
export function fastNonDominatedSort(points: readonly Evaluated[]): number[][] {
  const dominatedBy = points.map(() => [] as number[]);
  const dominationCount = new Array<number>(points.length).fill(0);
  const fronts: number[][] = [[]];
  for (let p = 0; p < points.length; p += 1) {
    for (let q = p + 1; q < points.length; q += 1) {
      if (constrainedDominates(points[p]!, points[q]!)) {
        dominatedBy[p]!.push(q);
        dominationCount[q]! += 1;
      } else if (constrainedDominates(points[q]!, points[p]!)) {
        dominatedBy[q]!.push(p);
        dominationCount[p]! += 1;
      }
    }
    // Every pair with p was compared by now (earlier points in their own pass), so its count is final.
    if (dominationCount[p] === 0) fronts[0]!.push(p);
  }
  for (let current = fronts[0]; current.length > 0;) {
    const next: number[] = [];
    for (const p of current)
      for (const q of dominatedBy[p]!) {
        dominationCount[q]! -= 1;
        if (dominationCount[q] === 0) next.push(q);
      }
    if (next.length > 0) fronts.push(next.sort((a, b) => a - b));
    current = next;
  }
  return fronts[0]!.length === 0 ? [] : fronts;
}

/**
 * Crowding distance of each member of one front (same order as `front`): the sum over objectives of
 * the normalised gap between its two neighbours; the extremes of each objective get Infinity.
 */
export function crowdingDistance(points: readonly Evaluated[], front: readonly number[]): number[] {
  const distance = new Map<number, number>(front.map((index) => [index, 0]));
  const objectives = front.length > 0 ? points[front[0]!]!.costs.length : 0;
  for (let axis = 0; axis < objectives; axis += 1) {
    const sorted = [...front].sort((a, b) => points[a]!.costs[axis]! - points[b]!.costs[axis]! || a - b);
    const low = points[sorted[0]!]!.costs[axis]!;
    const high = points[sorted[sorted.length - 1]!]!.costs[axis]!;
    distance.set(sorted[0]!, Infinity);
    distance.set(sorted[sorted.length - 1]!, Infinity);
    if (high === low) continue;
    for (let i = 1; i < sorted.length - 1; i += 1) {
      const gap = points[sorted[i + 1]!]!.costs[axis]! - points[sorted[i - 1]!]!.costs[axis]!;
      distance.set(sorted[i]!, distance.get(sorted[i]!)! + gap / (high - low));
    }
  }
  return front.map((index) => distance.get(index)!);
}

export interface Ranked {
  /** 0 for the first (non-dominated) front. */
  rank: number[];
  crowding: number[];
  fronts: number[][];
}

/** Every point's front rank and crowding distance within its front. */
export function rankAndCrowd(points: readonly Evaluated[]): Ranked {
  const fronts = fastNonDominatedSort(points);
  const rank = new Array<number>(points.length).fill(0);
  const crowding = new Array<number>(points.length).fill(0);
  fronts.forEach((front, frontIndex) => {
    const distances = crowdingDistance(points, front);
    front.forEach((index, i) => {
      rank[index] = frontIndex;
      crowding[index] = distances[i]!;
    });
  });
  return { rank, crowding, fronts };
}

/** The crowded-comparison order: lower rank first, then larger crowding distance. */
export function crowdedBetter(ranked: Ranked, a: number, b: number): boolean {
  const { rank, crowding } = ranked;
  return rank[a]! < rank[b]! || (rank[a] === rank[b] && crowding[a]! > crowding[b]!);
}

/** Binary tournament: two distinct random members, the crowded-better one wins (ties: the first). */
export function binaryTournament(ranked: Ranked, random: () => number): number {
  const size = ranked.rank.length;
  if (size === 0) throw new RangeError('a tournament needs at least one member');
  const a = Math.floor(random() * size);
  const b = size === 1 ? a : (a + 1 + Math.floor(random() * (size - 1))) % size;
  return crowdedBetter(ranked, b, a) ? b : a;
}

/**
 * NSGA-II's environmental selection: the indices of the `size` points kept for the next generation,
 * whole fronts first, the last front cut by crowding distance (largest first, ties by index).
 */
export function selectSurvivors(points: readonly Evaluated[], size: number): number[] {
  const { fronts } = rankAndCrowd(points);
  const kept: number[] = [];
  for (const front of fronts) {
    if (kept.length + front.length <= size) {
      kept.push(...front);
      continue;
    }
    const distances = crowdingDistance(points, front);
    const order = front.map((index, i) => ({ index, distance: distances[i]! }));
    order.sort((a, b) => b.distance - a.distance || a.index - b.index);
    kept.push(...order.slice(0, size - kept.length).map((o) => o.index));
    break;
  }
  return kept;
}

export interface Nsga2Problem<G> {
  /** A random genome of the initial population. */
  sample(random: () => number): G;
  /** One child of two parents: crossover then mutation. */
  vary(a: G, b: G, random: () => number): G;
  evaluate(genome: G): Evaluated;
}

export interface Nsga2Options<G> {
  populationSize: number;
  generations: number;
  random: () => number;
  /** Genomes placed in the first population before random ones (e.g. known good designs). */
  seeds?: readonly G[];
}

/** A whole synchronous NSGA-II run; returns the final population with its evaluations. */
export function nsga2<G>(
  problem: Nsga2Problem<G>,
  options: Nsga2Options<G>,
): { genome: G; evaluated: Evaluated }[] {
  const { populationSize, generations, random } = options;
  let population = [...(options.seeds ?? [])].slice(0, populationSize);
  while (population.length < populationSize) population.push(problem.sample(random));
  let evaluated = population.map((g) => problem.evaluate(g));
  for (let generation = 0; generation < generations; generation += 1) {
    const ranked = rankAndCrowd(evaluated);
    const children: G[] = [];
    while (children.length < populationSize) {
      const a = population[binaryTournament(ranked, random)]!;
      const b = population[binaryTournament(ranked, random)]!;
      children.push(problem.vary(a, b, random));
    }
    const union = [...population, ...children];
    const unionEvaluated = [...evaluated, ...children.map((g) => problem.evaluate(g))];
    const kept = selectSurvivors(unionEvaluated, populationSize);
    population = kept.map((i) => union[i]!);
    evaluated = kept.map((i) => unionEvaluated[i]!);
  }
  return population.map((genome, i) => ({ genome, evaluated: evaluated[i]! }));
}
