// Variation of architecture genomes for NSGA-II: uniform crossover, then each gene mutated with
// probability 1/genes (a numeric gene steps to a neighbouring value, a categorical one jumps).
import type { Gene, GeneValue, Genome, SearchSpace } from './space.js';

export function sampleGenome(space: SearchSpace, random: () => number): Genome {
  return Object.fromEntries(space.genes.map((g) => [g.name, pick(g.values, random)]));
}

export function crossoverAndMutate(space: SearchSpace, a: Genome, b: Genome, random: () => number): Genome {
  const rate = 1 / space.genes.length;
  return Object.fromEntries(
    space.genes.map((gene) => {
      const inherited = random() < 0.5 ? a[gene.name]! : b[gene.name]!;
      return [gene.name, random() < rate ? mutate(gene, inherited, random) : inherited];
    }),
  );
}

function mutate(gene: Gene, value: GeneValue, random: () => number): GeneValue {
  const { values } = gene;
  if (values.length < 2) return value;
  const index = values.indexOf(value);
  if (typeof value === 'number') {
    const step = index === 0 ? 1 : index === values.length - 1 ? -1 : random() < 0.5 ? -1 : 1;
    return values[index + step]!;
  }
  const others = values.filter((v) => v !== value);
  return pick(others, random);
}

function pick<T>(values: readonly T[], random: () => number): T {
  return values[Math.floor(random() * values.length)]!;
}
