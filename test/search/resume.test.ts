// The search loop with a stand-in executor (no training: a run.json whose accuracy is a function of
// the network), so the bookkeeping is tested quickly: a search stopped mid-way and resumed trains
// nothing twice and ends exactly where an uninterrupted search with the same seed ends.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { RunExecutor } from '../../src/experiment/runner.js';
import { resumeSearch, startSearch, type SearchRequest } from '../../src/search/session.js';
import { DEFAULT_TRAIN_CONFIG } from '../../src/train/index.js';
import { formatMemoryPlan } from '../../src/analysis/index.js';
import { getNumThreads, setNumThreads } from '../../src/engine/index.js';

const REQUEST: SearchRequest = {
  family: 'mobilenet-v2',
  sourceData: 'synthetic-pcb:binary:128,64,64',
  subset: 0.5,
  inputSizes: [32],
  memoryBudgetBytes: 25e6,
  latencyBudgetMs: null,
  paramBudget: null,
  budgetS: 3600,
  maxGenerations: 2,
  objective: 'epoch-time',
  seed: 5,
  populationSize: 3,
  rungs: [1, 2],
  keepFraction: 0.5,
  proxyKeep: 0.75,
  references: false,
  train: { ...DEFAULT_TRAIN_CONFIG, batchSize: 4 },
};

/** A run "trained" instantly: accuracy and epoch time follow from the description file's bytes. */
function fakeExecutor(calls: string[], crashAt = Infinity): RunExecutor {
  return async (run) => {
    const key = `${path.basename(run.dir)}@${run.config.epochs}`;
    if (calls.length === crashAt) throw new Error('killed');
    calls.push(key);
    const text = readFileSync(run.config.model, 'utf8');
    const h = createHash('sha256').update(text).digest().readUInt32BE(0) / 2 ** 32;
    mkdirSync(run.dir, { recursive: true });
    const summary = {
      final: { valAcc: 0.5 + 0.4 * h + 0.02 * run.config.epochs, testAcc: 0.5 + 0.4 * h },
      time: { meanEpochS: text.length / 1e5 },
      memory: { peakTensorBytes: text.length },
      history: Array.from({ length: run.config.epochs }, () => ({})),
    };
    writeFileSync(
      path.join(run.dir, 'run.json'),
      JSON.stringify({ status: 'finished', config: run.config, summary }),
    );
    return { id: run.id, status: 'finished', dir: run.dir };
  };
}

/** Each candidate's predicted peak in a search directory. */
function peaksOf(dir: string): Map<string, number> {
  const record = JSON.parse(readFileSync(path.join(dir, 'search.json'), 'utf8')) as {
    candidates: { hash: string; peakBytes: number }[];
  };
  return new Map(record.candidates.map((c) => [c.hash, c.peakBytes]));
}

/** What a search decided, without wall times. */
function outcome(dir: string) {
  const record = JSON.parse(readFileSync(path.join(dir, 'search.json'), 'utf8')) as {
    front: { hash: string }[];
    candidates: { hash: string; excluded: string | null; rungs: { epochs: number; valAcc: number }[] }[];
    generations: { index: number; frontSize: number; trials: number }[];
  };
  return {
    front: record.front.map((f) => f.hash),
    candidates: record.candidates.map((c) => ({
      hash: c.hash,
      excluded: c.excluded,
      rungs: c.rungs.map((r) => [r.epochs, r.valAcc]),
    })),
    generations: record.generations.map((g) => [g.index, g.frontSize, g.trials]),
  };
}

describe('search bookkeeping', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'search-resume-'));

  it('resumes a stopped search without training anything twice, ending as an uninterrupted one', async () => {
    const whole: string[] = [];
    await startSearch(path.join(root, 'whole'), REQUEST, { execute: fakeExecutor(whole) });
    assert.ok(whole.length >= 6, `${whole.length} trials`);
    assert.equal(new Set(whole).size, whole.length, 'no trial twice in one session');

    const dir = path.join(root, 'stopped');
    const first: string[] = [];
    const crashAt = Math.floor(whole.length / 2);
    await assert.rejects(startSearch(dir, REQUEST, { execute: fakeExecutor(first, crashAt) }), /killed/);
    assert.equal(first.length, crashAt);
    const second: string[] = [];
    await resumeSearch(dir, { execute: fakeExecutor(second) });
    assert.deepEqual(
      second.filter((key) => first.includes(key)),
      [],
      'a trial finished before the stop is not trained again',
    );
    assert.deepEqual([...first, ...second], whole, 'the same trials in the same order');
    assert.deepEqual(outcome(dir), outcome(path.join(root, 'whole')));
  });

  it('trains on a seeded, stratified half of every split (--subset 0.5)', () => {
    const subset = path.join(root, 'whole', 'data-subset');
    const count = (split: string) =>
      readdirSync(path.join(subset, split)).reduce(
        (sum, label) => sum + readdirSync(path.join(subset, split, label)).length,
        0,
      );
    assert.deepEqual([count('train'), count('val'), count('test')], [64, 32, 32]);
    assert.equal(readdirSync(path.join(subset, 'train')).length, 2, 'both classes');
  });

  it('never trains a candidate over the memory budget, and promotes half of each rung', async () => {
    const { candidates } = outcome(path.join(root, 'whole'));
    const record = JSON.parse(readFileSync(path.join(root, 'whole', 'search.json'), 'utf8')) as {
      candidates: { peakBytes: number; rungs: unknown[]; excluded: string | null }[];
    };
    for (const c of record.candidates)
      if (c.peakBytes > REQUEST.memoryBudgetBytes!) {
        assert.equal(c.rungs.length, 0);
        assert.match(c.excluded ?? '', /over the memory budget/);
      }
    const atRung = (k: number) => candidates.filter((c) => c.rungs.length >= k).length;
    assert.ok(atRung(2) > 0 && atRung(2) < atRung(1), `${atRung(1)} at rung 1, ${atRung(2)} at rung 2`);
  });

  it('puts on the front only candidates trained through every rung', () => {
    const { front, candidates } = outcome(path.join(root, 'whole'));
    assert.ok(front.length > 0);
    for (const hash of front)
      assert.equal(candidates.find((c) => c.hash === hash)!.rungs.length, REQUEST.rungs.length, hash);
  });

  it('measures the latency of every candidate about to be trained when it is the objective, of none over budget', async () => {
    const dir = path.join(root, 'latency');
    const calls: string[] = [];
    await startSearch(
      dir,
      { ...REQUEST, objective: 'latency', latencyBudgetMs: 1e6, maxGenerations: 1 },
      { execute: fakeExecutor(calls) },
    );
    const record = JSON.parse(readFileSync(path.join(dir, 'search.json'), 'utf8')) as {
      candidates: { rungs: unknown[]; latencyMs: number | null; peakBytes: number }[];
    };
    const trained = record.candidates.filter((c) => c.rungs.length > 0);
    assert.ok(trained.length > 0);
    for (const c of trained) assert.ok(c.latencyMs !== null && c.latencyMs > 0);
    for (const c of record.candidates)
      if (c.peakBytes > REQUEST.memoryBudgetBytes!)
        assert.equal(c.latencyMs, null, 'over budget: never built');
  });

  it("times latency and the proxy with the trials' thread count", async () => {
    setNumThreads(2);
    const train = { ...REQUEST.train, threads: 1 };
    await startSearch(
      path.join(root, 'one-thread'),
      { ...REQUEST, train, objective: 'latency', maxGenerations: 0 },
      { execute: fakeExecutor([]) },
    );
    assert.equal(getNumThreads(), 1);
  });

  it("predicts memory under the trials' memory plan and trains every trial with it", async () => {
    const plan = { checkpoint: 'blocks', microbatch: 1, optimizer: 'in-backward', moments: 'fp32' } as const;
    const plans = new Set<string>();
    const trainAll = fakeExecutor([]);
    const request = { ...REQUEST, train: { ...REQUEST.train, memoryPlan: plan }, maxGenerations: 0 };
    await startSearch(path.join(root, 'planned'), request, {
      execute: async (run, events) => {
        plans.add(formatMemoryPlan(run.config.memoryPlan));
        return trainAll(run, events);
      },
    });
    assert.deepEqual([...plans], ['checkpoint=blocks,microbatch=1,optimizer=in-backward']);
    const peaks = (dir: string) =>
      new Map(
        (
          JSON.parse(readFileSync(path.join(root, dir, 'search.json'), 'utf8')) as {
            candidates: { hash: string; peakBytes: number }[];
          }
        ).candidates.map((c) => [c.hash, c.peakBytes]),
      );
    const ordinary = peaks('whole');
    const planned = [...peaks('planned')].filter(([hash]) => ordinary.has(hash));
    assert.ok(planned.length >= 3, `${planned.length} candidates in both searches`);
    for (const [hash, peak] of planned)
      assert.ok(peak < ordinary.get(hash)!, `${hash}: ${peak} under the plan, ${ordinary.get(hash)} without`);
  });

  it("predicts memory in the trials' precision and memory format and trains every trial in them", async () => {
    const layouts = [
      { precision: 'bf16', memoryFormat: 'channels-last' },
      { precision: 'fp32', memoryFormat: 'nchw' },
    ] as const;
    const ordinary = peaksOf(path.join(root, 'whole')); // fp32, auto predicted as channels-last
    for (const layout of layouts) {
      const dir = path.join(root, `${layout.precision}-${layout.memoryFormat}`);
      const trained = new Set<string>();
      const trainAll = fakeExecutor([]);
      const request = { ...REQUEST, train: { ...REQUEST.train, ...layout }, maxGenerations: 0 };
      await startSearch(dir, request, {
        execute: async (run, events) => {
          trained.add(`${run.config.precision} ${run.config.memoryFormat}`);
          return trainAll(run, events);
        },
      });
      assert.deepEqual([...trained], [`${layout.precision} ${layout.memoryFormat}`]);
      const compared = [...peaksOf(dir)].filter(([hash]) => ordinary.has(hash));
      assert.ok(compared.length >= 3, `${compared.length} candidates in both searches`);
      for (const [hash, peak] of compared)
        assert.notEqual(
          peak,
          ordinary.get(hash),
          `${hash}: the same peak predicted in ${JSON.stringify(layout)}`,
        );
    }
  });

  it('refuses budgets no candidate meets before writing anything, naming the cheapest cost', async () => {
    const dir = path.join(root, 'impossible');
    await assert.rejects(
      startSearch(dir, { ...REQUEST, memoryBudgetBytes: 1e5 }, { execute: fakeExecutor([]) }),
      /no candidate of the mobilenet-v2 space meets the budgets \(memory 0\.1 MB\): the cheapest of \d+ analysed needs [\d.]+ MB/,
    );
    assert.throws(() => readFileSync(path.join(dir, 'search.db')), /ENOENT/);
    const fast = path.join(root, 'too-fast');
    await assert.rejects(
      startSearch(fast, { ...REQUEST, latencyBudgetMs: 1e-6 }, { execute: fakeExecutor([]) }),
      /no candidate of the mobilenet-v2 space meets --latency-budget 0\.000001 ms: the one with the fewest MACs/,
    );
    assert.equal(existsSync(fast), false);
    const used = path.join(root, 'used');
    mkdirSync(used);
    writeFileSync(path.join(used, 'notes.txt'), 'mine');
    await assert.rejects(
      startSearch(used, REQUEST, { execute: fakeExecutor([]) }),
      /--out .*used is not empty and holds no search/,
    );
    assert.deepEqual(readdirSync(used), ['notes.txt']);
  });
});
