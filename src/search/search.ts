// The search loop: NSGA-II over a family's genomes, with budgets checked by the analysis before any
// training, latency measured for candidates about to be trained, a proxy pre-filter, and accuracy by
// successive halving through the experiment layer's run executor.
//
// Resuming is replaying: the loop is deterministic for a seed, and every evaluation (analysis,
// latency, proxy, each rung's training) is looked up in the store before it is done. A resumed search
// therefore walks the same generations, finds everything done so far in the store, and carries on
// where the killed one stopped; nothing is trained twice, and the time budget is charged step by step
// in the same order as the first time, so the replay stops where the original would have.
import path from 'node:path';
import { writeFile, mkdir } from 'node:fs/promises';
import type { Batch } from '../data/index.js';
import { deriveSeed, Rng } from '../data/prng.js';
import type { PlannedRun } from '../experiment/plan.js';
import type { RunExecutor } from '../experiment/runner.js';
import {
  binaryTournament,
  hypervolume,
  rankAndCrowd,
  selectSurvivors,
  type Evaluated,
  type Objective,
} from '../pareto/index.js';
import { DEFAULT_TRAIN_CONFIG, RunDir } from '../train/index.js';
import { trainingView } from '../zoo/model-file.js';
import { analyseGenome, type Analysis } from './candidates.js';
import { crossoverAndMutate, sampleGenome } from './evolve.js';
import { gradNormProxy, inferenceLatencyMs } from './measures.js';
import { decode, genomeKey, INPUT_GENE, spaceFor, type Genome, type SearchSpace } from './space.js';
import type { ModelDescription } from '../models/description.js';
import type { SearchStore } from './store.js';
import { costsAt, evaluatedCandidate, frontOf, preFilterKeep, promote, UNTRAINED } from './promotion.js';
import type { CandidateRecord, GenerationRecord, RungResult, SearchSettings } from './types.js';

export interface SearchProgress {
  generation: number;
  trials: number;
  spentS: number;
  budgetS: number;
  frontSize: number;
  hypervolume: number;
  /** What is being done now, e.g. "training xception-3f2a… to 3 epochs". */
  activity: string;
}

export interface SearchOptions {
  dir: string;
  store: SearchStore;
  settings: SearchSettings;
  /** Carries out one trial; `runPlanned` trains it in this process, a queue may take its place. */
  execute: RunExecutor;
  /** One batch of training images at an input size, for the proxy. */
  proxyBatch: (inputSize: number) => Promise<Batch>;
  onProgress?: (progress: SearchProgress) => void;
  /** Seconds since some fixed point (default: the process clock); tests may replace it. */
  now?: () => number;
}

export interface SearchOutcome {
  generations: GenerationRecord[];
  /** The final non-dominated trained candidates. */
  front: CandidateRecord[];
  /** True when the time budget ended the search (else the generation limit did). */
  budgetSpent: boolean;
}

const FILTERED = 'filtered out by the proxy';

class BudgetSpent extends Error {}

type Costs = Omit<Analysis, 'description'>;

class Search {
  private readonly space: SearchSpace;
  private readonly random: () => number;
  private readonly byGenome = new Map<string, Costs | { error: string }>();
  private readonly visited = new Set<string>();
  private spentS = 0;
  private trials = 0;
  private generation = 0;
  private reference: number[] = [];
  private lastFront: { size: number; hypervolume: number } = { size: 0, hypervolume: 0 };

  constructor(private readonly o: SearchOptions) {
    this.space = spaceFor(o.settings.family, o.settings.inputSizes);
    const rng = new Rng(deriveSeed(o.settings.seed, 'search'));
    this.random = () => rng.next();
  }

  private get settings(): SearchSettings {
    return this.o.settings;
  }

  async run(): Promise<SearchOutcome> {
    const { populationSize, maxGenerations } = this.settings;
    const generations: GenerationRecord[] = [];
    let population = this.initialPopulation();
    let budgetSpent = false;
    try {
      // The whole first generation is trained (no proxy pre-filter): it calibrates the proxy.
      await this.evaluate(population, new Set(population.map((g) => this.hashOf(g)!)));
      generations.push(await this.recordGeneration(population));
      for (
        this.generation = 1;
        maxGenerations === null || this.generation <= maxGenerations;
        this.generation++
      ) {
        const ranked = rankAndCrowd(population.map((g) => this.evaluated(g)));
        const children = this.offspring(population, ranked);
        if (children.length === 0) break; // the space around this population is exhausted
        await this.evaluate(children, new Set());
        const union = [...population, ...children];
        population = selectSurvivors(
          union.map((g) => this.evaluated(g)),
          populationSize,
        ).map((i) => union[i]!);
        generations.push(await this.recordGeneration(population));
      }
    } catch (error) {
      if (!(error instanceof BudgetSpent)) throw error;
      budgetSpent = true;
      generations.push(await this.recordGeneration(population));
    }
    return { generations, front: this.front(), budgetSpent };
  }

  // ---- genomes and their free analysis

  /** The analysis of a genome, remembered without its description (thousands are drawn per search). */
  private analysis(genome: Genome): Costs | { error: string } {
    const key = genomeKey(this.space, genome);
    let found = this.byGenome.get(key);
    if (!found) {
      const analysed = analyseGenome(this.space, genome, this.settings);
      if ('error' in analysed) found = analysed;
      else {
        const { description: _description, ...costs } = analysed;
        found = costs;
      }
      this.byGenome.set(key, found);
    }
    return found;
  }

  private hashOf(genome: Genome): string | null {
    const a = this.analysis(genome);
    return 'error' in a ? null : a.hash;
  }

  /** A genome worth placing in a population: it decodes, fits the free budgets, and is not there yet. */
  private acceptable(genome: Genome, taken: Set<string>): boolean {
    const a = this.analysis(genome);
    return !('error' in a) && a.violation === 0 && !taken.has(a.hash);
  }

  private initialPopulation(): Genome[] {
    const population: Genome[] = [];
    const taken = new Set<string>();
    for (const genome of Object.values(this.space.seeds)) {
      const hash = this.hashOf(genome);
      if (hash !== null && !taken.has(hash)) {
        population.push(genome);
        taken.add(hash);
      }
    }
    for (
      let tries = 0;
      population.length < this.settings.populationSize && tries < 50 * this.settings.populationSize;
      tries++
    ) {
      const genome = sampleGenome(this.space, this.random);
      if (this.acceptable(genome, taken)) {
        population.push(genome);
        taken.add(this.hashOf(genome)!);
      }
    }
    return population;
  }

  private offspring(population: Genome[], ranked: ReturnType<typeof rankAndCrowd>): Genome[] {
    const taken = new Set(population.map((g) => this.hashOf(g)!));
    const children: Genome[] = [];
    const size = this.settings.populationSize;
    for (let tries = 0; children.length < size && tries < 50 * size; tries++) {
      const a = population[binaryTournament(ranked, this.random)]!;
      const b = population[binaryTournament(ranked, this.random)]!;
      const child = crossoverAndMutate(this.space, a, b, this.random);
      if (this.acceptable(child, taken)) {
        children.push(child);
        taken.add(this.hashOf(child)!);
      }
    }
    return children;
  }

  // ---- records

  private record(genome: Genome): CandidateRecord | null {
    const a = this.analysis(genome);
    if ('error' in a) return null;
    const stored = this.o.store.candidate(a.hash);
    if (stored) return stored;
    const seedName = Object.entries(this.space.seeds).find(([, g]) => this.hashOf(g) === a.hash)?.[0];
    const record: CandidateRecord = {
      hash: a.hash,
      name: seedName ?? `${this.space.family}-${a.hash.slice(0, 8)}`,
      genome,
      params: a.params,
      macs: a.macs,
      peakBytes: a.peakBytes,
      excluded: a.excluded,
      violation: a.violation,
      latencyMs: null,
      latencyS: 0,
      proxy: null,
      proxyS: 0,
      rungs: [],
      runDir: null,
    };
    this.o.store.saveCandidate(record);
    return record;
  }

  /** NSGA-II's view of a genome (src/search/promotion.ts). */
  private evaluated(genome: Genome): Evaluated {
    const record = this.record(genome);
    if (!record) return { costs: [0, 0, 0], violation: Infinity };
    return evaluatedCandidate(record, this.settings.objective, this.settings.rungs.length);
  }

  private costs(record: CandidateRecord): number[] {
    return costsAt(record, this.settings.objective);
  }

  // ---- evaluation

  private charge(seconds: number): void {
    this.spentS += seconds;
  }

  private requireBudget(): void {
    if (this.spentS >= this.settings.budgetS) throw new BudgetSpent();
  }

  private async timed<T>(work: () => T | Promise<T>): Promise<{ value: T; seconds: number }> {
    const now = this.o.now ?? (() => performance.now() / 1000);
    const start = now();
    const value = await work();
    return { value, seconds: now() - start };
  }

  private progress(activity: string): void {
    this.o.onProgress?.({
      generation: this.generation,
      trials: this.trials,
      spentS: this.spentS,
      budgetS: this.settings.budgetS,
      frontSize: this.lastFront.size,
      hypervolume: this.lastFront.hypervolume,
      activity,
    });
  }

  /** Evaluates the genomes not evaluated before; `unfiltered` skip the proxy pre-filter. */
  private async evaluate(genomes: Genome[], unfiltered: Set<string>): Promise<void> {
    const fresh: CandidateRecord[] = [];
    for (const genome of genomes) {
      const record = this.record(genome);
      if (!record || this.visited.has(record.hash)) continue;
      this.visited.add(record.hash);
      fresh.push(record);
    }
    const measured: CandidateRecord[] = [];
    // A candidate the proxy filtered in an earlier process is filtered again below, from the same scores.
    for (const record of fresh.filter((r) => r.excluded === null || r.excluded === FILTERED)) {
      if (await this.measure(record)) measured.push(record);
    }
    await this.successiveHalving(this.preFilter(measured, unfiltered));
  }

  /** Latency (when it is an objective or budgeted) and the proxy; false when over the latency budget. */
  private async measure(record: CandidateRecord): Promise<boolean> {
    const { latencyBudgetMs, objective } = this.settings;
    const training = () => trainingView(this.description(record));
    if (objective === 'latency' || latencyBudgetMs !== null) {
      if (record.latencyMs === null) {
        this.requireBudget();
        this.progress(`measuring the latency of ${record.name}`);
        const { value, seconds } = await this.timed(() => inferenceLatencyMs(training()));
        Object.assign(record, { latencyMs: value, latencyS: seconds });
        if (latencyBudgetMs !== null && value > latencyBudgetMs)
          Object.assign(record, {
            excluded: 'over the latency budget',
            violation: value / latencyBudgetMs - 1,
          });
        this.o.store.saveCandidate(record);
      }
      this.charge(record.latencyS);
      if (latencyBudgetMs !== null && record.latencyMs! > latencyBudgetMs) return false;
    }
    if (record.proxy === null) {
      this.requireBudget();
      this.progress(`scoring ${record.name} with the proxy`);
      const batch = await this.o.proxyBatch(record.genome[INPUT_GENE] as number);
      const { value, seconds } = await this.timed(() => gradNormProxy(training(), batch, this.settings.seed));
      Object.assign(record, { proxy: Number.isFinite(value) ? value : 0, proxyS: seconds });
      this.o.store.saveCandidate(record);
    }
    this.charge(record.proxyS);
    return true;
  }

  /** The unfiltered and `proxyKeep` of the others, chosen by proxy, memory and time, go on to training. */
  private preFilter(records: CandidateRecord[], unfiltered: Set<string>): CandidateRecord[] {
    const others = records.filter((r) => !unfiltered.has(r.hash));
    const keep = Math.ceil(others.length * this.settings.proxyKeep);
    const kept = new Set(preFilterKeep(others, keep, this.settings.objective).map((r) => r.hash));
    for (const r of others)
      if (!kept.has(r.hash) && r.excluded === null) {
        r.excluded = FILTERED;
        this.o.store.saveCandidate(r);
      }
    return records.filter((r) => unfiltered.has(r.hash) || kept.has(r.hash));
  }

  private async successiveHalving(records: CandidateRecord[]): Promise<void> {
    let rungMembers = records;
    for (const [rung, epochs] of this.settings.rungs.entries()) {
      for (const record of rungMembers) await this.train(record, rung, epochs);
      const survivors = rungMembers.filter((r) => r.rungs.length > rung && r.excluded === null);
      const keep = Math.ceil(survivors.length * this.settings.keepFraction);
      rungMembers = promote(survivors, rung, keep, this.settings.objective);
    }
  }

  private async train(record: CandidateRecord, rung: number, epochs: number): Promise<void> {
    if (record.rungs.length > rung) {
      this.charge(record.rungs[rung]!.trainS);
      this.trials += 1;
      return;
    }
    if (record.excluded !== null) return;
    this.requireBudget();
    this.progress(`training ${record.name} to ${epochs} epoch${epochs === 1 ? '' : 's'}`);
    const run = await this.plannedRun(record, epochs);
    const { value: outcome, seconds } = await this.timed(() => this.o.execute(run, {}));
    const summary = outcome.status === 'failed' ? null : (await new RunDir(run.dir).read())?.summary;
    if (!summary) {
      const why = outcome.status === 'failed' ? outcome.error.split('\n')[0] : 'no summary in run.json';
      Object.assign(record, { excluded: `training failed: ${why}`, violation: UNTRAINED });
    } else {
      const result: RungResult = {
        epochs,
        valAcc: summary.final.valAcc,
        testAcc: summary.final.testAcc,
        meanEpochS: summary.time.meanEpochS,
        peakTensorBytes: summary.memory.peakTensorBytes,
        trainS: seconds,
      };
      record.rungs.push(result);
    }
    record.runDir = path.relative(this.o.dir, run.dir);
    this.o.store.saveCandidate(record);
    this.charge(seconds);
    this.trials += 1;
  }

  private description(record: CandidateRecord): ModelDescription {
    return {
      ...decode(this.space, record.genome, { numClasses: this.settings.numClasses }),
      name: record.name,
    };
  }

  /** The trial as a normal run: its description written beside the search, then trained by the executor. */
  private async plannedRun(record: CandidateRecord, epochs: number): Promise<PlannedRun> {
    const file = path.join(this.o.dir, 'candidates', `${record.hash}.json`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(this.description(record), null, 2)}\n`);
    const { train } = this.settings;
    return {
      id: record.name,
      dataset: 'search',
      setting: 'scratch',
      dir: path.join(this.o.dir, 'trials', record.hash),
      config: {
        ...DEFAULT_TRAIN_CONFIG,
        ...train,
        model: file,
        data: this.settings.data,
        epochs,
        inputSize: record.genome[INPUT_GENE] as number,
        initFrom: null,
      },
    };
  }

  // ---- fronts

  /** The non-dominated candidates among all trained through every rung so far. */
  private front(): CandidateRecord[] {
    const visited = [...this.visited].map((h) => this.o.store.candidate(h)!);
    return frontOf(visited, this.settings.objective, this.settings.rungs.length);
  }

  private async recordGeneration(population: Genome[]): Promise<GenerationRecord> {
    const front = this.front();
    if (this.reference.length === 0 && front.length > 0) {
      // Fixed once: accuracy 0, and 10% beyond the worst memory and time of the first front (or the budgets).
      const worst = (axis: number) => Math.max(...front.map((r) => this.costs(r)[axis]!));
      this.reference = [
        0,
        this.settings.memoryBudgetBytes ?? worst(1) * 1.1,
        (this.settings.objective === 'latency' ? this.settings.latencyBudgetMs : null) ?? worst(2) * 1.1,
      ];
    }
    const record: GenerationRecord = {
      index: this.generation,
      members: population.map((g) => this.hashOf(g)!),
      front: front.map((r) => r.hash),
      hypervolume:
        this.reference.length > 0
          ? frontHypervolume(
              front.map((r) => this.costs(r)),
              this.reference,
            )
          : 0,
      spentS: this.spentS,
      trials: this.trials,
      reference: this.reference,
    };
    this.o.store.saveGeneration(record);
    this.lastFront = { size: front.length, hypervolume: record.hypervolume };
    this.progress(`generation ${this.generation} done`);
    return record;
  }
}

const COST_OBJECTIVES: Objective[] = ['a', 'm', 't'].map((key) => ({ key, direction: 'min', label: key }));

/** Hypervolume in cost space, normalised by the reference box so it reads as a fraction (0..1). */
function frontHypervolume(costs: number[][], reference: number[]): number {
  const [ra, rm, rt] = reference as [number, number, number];
  // Accuracy's cost runs from -1 (perfect) to the reference; memory and time from 0 to theirs.
  const box = (ra + 1) * rm * rt;
  const points = costs.map(([a, m, t]) => ({ a: a!, m: m!, t: t! }));
  return hypervolume(points, COST_OBJECTIVES, { a: ra, m: rm, t: rt }) / box;
}

export async function runSearch(options: SearchOptions): Promise<SearchOutcome> {
  return new Search(options).run();
}
