// NSGA-II against problems with known Pareto fronts: ZDT1-3 (convex, concave, disconnected; Zitzler,
// Deb & Thiele 2000) and TNK (Tanaka 1995, a front made by its constraints). The found front must
// reach 95% of the true front's hypervolume; the selection pieces are checked on small cases first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../src/data/prng.js';
import { hypervolume, type Objective } from '../../src/pareto/index.js';
import {
  binaryTournament,
  constrainedDominates,
  crowdingDistance,
  fastNonDominatedSort,
  nsga2,
  rankAndCrowd,
  selectSurvivors,
  type Evaluated,
  type Nsga2Problem,
} from '../../src/pareto/nsga2.js';

const OBJECTIVES: Objective[] = [
  { key: 'f1', direction: 'min', label: 'f1' },
  { key: 'f2', direction: 'min', label: 'f2' },
];
const hv = (points: readonly (readonly number[])[], reference: readonly number[]): number =>
  hypervolume(
    points.map(([f1, f2]) => ({ f1: f1!, f2: f2! })),
    OBJECTIVES,
    { f1: reference[0]!, f2: reference[1]! },
  );
const feasible = (costs: number[]): Evaluated => ({ costs, violation: 0 });

/** Real-valued genes in [low, high]: Deb's simulated binary crossover and polynomial mutation. */
function realValued(
  bounds: [number, number][],
  evaluate: (x: number[]) => Evaluated,
): Nsga2Problem<number[]> {
  const clamp = (v: number, [low, high]: [number, number]) => Math.min(high, Math.max(low, v));
  const spread = (u: number, eta: number) =>
    u <= 0.5 ? (2 * u) ** (1 / (eta + 1)) : (1 / (2 * (1 - u))) ** (1 / (eta + 1));
  return {
    sample: (random) => bounds.map(([low, high]) => low + random() * (high - low)),
    vary: (a, b, random) =>
      a.map((ai, i) => {
        const range = bounds[i]!;
        let v = ai;
        if (random() < 0.5) {
          const beta = spread(random(), 15);
          v = 0.5 * ((1 + beta) * ai + (1 - beta) * b[i]!);
          if (random() < 0.5) v = 0.5 * ((1 - beta) * ai + (1 + beta) * b[i]!);
        }
        if (random() < 1 / bounds.length) {
          const u = random();
          const delta = u < 0.5 ? (2 * u) ** (1 / 21) - 1 : 1 - (2 * (1 - u)) ** (1 / 21);
          v += delta * (range[1] - range[0]);
        }
        return clamp(v, range);
      }),
    evaluate,
  };
}

function zdt(n: number, shape: (f1: number, g: number) => number): Nsga2Problem<number[]> {
  return realValued(
    Array.from({ length: n }, () => [0, 1] as [number, number]),
    (x) => {
      const g = 1 + (9 * x.slice(1).reduce((s, v) => s + v, 0)) / (n - 1);
      return feasible([x[0]!, g * shape(x[0]!, g)]);
    },
  );
}

const ZDT: [string, (f1: number, g: number) => number][] = [
  ['ZDT1 (convex)', (f1, g) => 1 - Math.sqrt(f1 / g)],
  ['ZDT2 (concave)', (f1, g) => 1 - (f1 / g) ** 2],
  ['ZDT3 (disconnected)', (f1, g) => 1 - Math.sqrt(f1 / g) - (f1 / g) * Math.sin(10 * Math.PI * f1)],
];

function tnkViolation(x1: number, x2: number): number {
  const c1 = x1 ** 2 + x2 ** 2 - 1 - 0.1 * Math.cos(16 * Math.atan2(x1, x2));
  const c2 = (x1 - 0.5) ** 2 + (x2 - 0.5) ** 2;
  return Math.max(0, -c1) + Math.max(0, c2 - 0.5);
}

/** The non-dominated subset of 2-objective points (sort by f1, keep each new best f2). */
function nonDominated(points: number[][]): number[][] {
  const sorted = [...points].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let best = Infinity;
  return sorted.filter((p) => (p[1]! < best ? ((best = p[1]!), true) : false));
}

describe('NSGA-II selection pieces', () => {
  it('constrained domination follows Deb: feasible first, then smaller violation, then Pareto', () => {
    assert.equal(constrainedDominates(feasible([9, 9]), { costs: [0, 0], violation: 1 }), true);
    assert.equal(
      constrainedDominates({ costs: [9, 9], violation: 1 }, { costs: [0, 0], violation: 2 }),
      true,
    );
    assert.equal(
      constrainedDominates({ costs: [0, 0], violation: 2 }, { costs: [9, 9], violation: 1 }),
      false,
    );
    assert.equal(constrainedDominates(feasible([1, 2]), feasible([1, 3])), true);
    assert.equal(constrainedDominates(feasible([1, 3]), feasible([2, 2])), false);
    assert.equal(constrainedDominates(feasible([1, 1]), feasible([1, 1])), false);
  });

  it('sorts into fronts, whatever the order of the points', () => {
    const points = [
      [3, 3],
      [1, 4],
      [2, 2],
      [4, 1],
      [3, 4],
      [5, 5],
    ].map(feasible);
    assert.deepEqual(fastNonDominatedSort(points), [[1, 2, 3], [0], [4], [5]]);
    const reversed = [...points].reverse(); // reversed[i] is points[5 - i]
    const backToOriginal = fastNonDominatedSort(reversed).map((front) => front.map((i) => 5 - i).sort());
    assert.deepEqual(backToOriginal, [[1, 2, 3], [0], [4], [5]]);
  });

  it('gives the extremes of a front infinite crowding and the inner points their neighbours gap', () => {
    const points = [
      [0, 4],
      [1, 2],
      [3, 1],
      [4, 0],
    ].map(feasible);
    const d = crowdingDistance(points, [0, 1, 2, 3]);
    assert.equal(d[0], Infinity);
    assert.equal(d[3], Infinity);
    assert.ok(Math.abs(d[1]! - (3 / 4 + 3 / 4)) < 1e-12);
    assert.ok(Math.abs(d[2]! - (3 / 4 + 2 / 4)) < 1e-12);
  });

  it('keeps whole fronts first and cuts the last one by crowding', () => {
    const points = [
      [0, 4],
      [1, 2],
      [2, 1.9],
      [4, 0],
      [5, 5],
    ].map(feasible);
    // Front 0 is 0..3; keeping 3 drops the most crowded inner point: point 1's crowding is
    // 2/4 + 2.1/4 = 1.025, point 2's is 3/4 + 2/4 = 1.25.
    assert.deepEqual(selectSurvivors(points, 3).sort(), [0, 2, 3]);
    assert.deepEqual(selectSurvivors(points, 5).sort(), [0, 1, 2, 3, 4]);
  });

  it('lets the better-ranked member win a tournament', () => {
    const ranked = rankAndCrowd([feasible([0, 0]), feasible([1, 1])]);
    const draws = [0.0, 0.0]; // picks member 0, then member 1
    assert.equal(
      binaryTournament(ranked, () => draws.shift()!),
      0,
    );
    const again = [0.9, 0.0]; // member 1 first, then member 0
    assert.equal(
      binaryTournament(ranked, () => again.shift()!),
      0,
    );
  });
});

describe('NSGA-II on problems with known fronts (hypervolume >= 95% of the true front)', () => {
  const reference = [1.1, 1.1];
  for (const [name, shape] of ZDT)
    it(name, () => {
      const problem = zdt(30, shape);
      const found = nsga2(problem, { populationSize: 100, generations: 200, random: seeded(1) });
      const truth = nonDominated(
        Array.from({ length: 4001 }, (_, i) => i / 4000).map((f1) => [f1, shape(f1, 1)]),
      );
      const ratio =
        hv(
          found.map((m) => [...m.evaluated.costs]),
          reference,
        ) / hv(truth, reference);
      assert.ok(ratio >= 0.95, `${name}: hypervolume ratio ${ratio.toFixed(4)}`);
    });

  it('TNK (constrained)', () => {
    const problem = realValued(
      [
        [1e-9, Math.PI],
        [1e-9, Math.PI],
      ],
      ([x1, x2]) => ({ costs: [x1!, x2!], violation: tnkViolation(x1!, x2!) }),
    );
    const found = nsga2(problem, { populationSize: 100, generations: 150, random: seeded(2) });
    assert.ok(
      found.every((m) => m.evaluated.violation === 0),
      'the final population is feasible',
    );
    const grid: number[][] = [];
    const steps = 1200;
    for (let i = 1; i <= steps; i += 1)
      for (let j = 1; j <= steps; j += 1) {
        const x1 = (1.1 * i) / steps;
        const x2 = (1.1 * j) / steps;
        if (tnkViolation(x1, x2) === 0) grid.push([x1, x2]);
      }
    const ratio =
      hv(
        found.map((m) => [...m.evaluated.costs]),
        reference,
      ) / hv(nonDominated(grid), reference);
    assert.ok(ratio >= 0.95, `TNK: hypervolume ratio ${ratio.toFixed(4)}`);
  });

  it('is deterministic for a seed', () => {
    const run = () => nsga2(zdt(5, ZDT[0]![1]), { populationSize: 20, generations: 10, random: seeded(7) });
    assert.deepEqual(run(), run());
  });
});

function seeded(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}
