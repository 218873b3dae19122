// How large a search's front would be by chance. Accuracy measured on a finite validation set is
// noisy (a 1,000-image set: ~1.4 points of standard error at 70%). When architectures differ by
// less than that, which of them lands on the front is decided by the noise, and the front's size
// by how many networks were trained, not by real trade-offs. Shuffling the accuracies among the
// trained networks (memory and time kept) gives the front that pure chance produces on the same
// costs; a front no larger than that shows no trade-off the noise could not have made.
import { deriveSeed, Rng } from '../data/prng.js';
import { fastNonDominatedSort } from '../pareto/index.js';

export interface ChanceFront {
  /** Size of the front of the costs as measured. */
  observed: number;
  /** Mean front size over the permutations. */
  mean: number;
  /** Share of the permutations whose front is at least as large as the observed one. */
  atLeastObserved: number;
  /** Share of the permutations whose front is at most as large as the observed one. */
  atMostObserved: number;
  permutations: number;
}

/**
 * `costs` are the fully trained candidates' cost vectors with accuracy first (negated: every axis is
 * minimised, as promotion.ts's costsAt makes them); the accuracies are permuted `permutations` times
 * (seeded) among the candidates.
 */
export function chanceFront(
  costs: readonly (readonly number[])[],
  { permutations = 2000, seed = 0 } = {},
): ChanceFront {
  const frontSize = (points: readonly (readonly number[])[]): number =>
    fastNonDominatedSort(points.map((c) => ({ costs: [...c], violation: 0 })))[0]?.length ?? 0;
  const observed = frontSize(costs);
  const accuracies = costs.map((c) => c[0]!);
  const rng = new Rng(deriveSeed(seed, 'chance-front'));
  let total = 0;
  let atLeast = 0;
  let atMost = 0;
  for (let p = 0; p < permutations; p++) {
    const shuffled = rng.shuffle([...accuracies]);
    const size = frontSize(costs.map((c, i) => [shuffled[i]!, ...c.slice(1)]));
    total += size;
    if (size >= observed) atLeast++;
    if (size <= observed) atMost++;
  }
  return {
    observed,
    mean: total / permutations,
    atLeastObserved: atLeast / permutations,
    atMostObserved: atMost / permutations,
    permutations,
  };
}
