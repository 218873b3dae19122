// Memory plans as the user writes them, and choosing one for a budget (predictions only: fast).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_MEMORY_PLAN,
  MemoryPlanError,
  candidatePlans,
  choosePlan,
  formatMemoryPlan,
  predictPlans,
  parseMemoryPlan,
  predictPlan,
  budgetFor,
  MICROBATCH_OVERHEAD,
} from '../../src/analysis/index.js';
import { describeModel } from '../../src/zoo/registry.js';
import { chooseMemoryPlan, frozenSegments } from '../../src/train/memory-choice.js';
import { DEFAULT_TRAIN_CONFIG } from '../../src/train/config.js';
import { TrainInputError } from '../../src/train/errors.js';
import { byteSize } from '../../src/cli/parse.js';

describe('parseMemoryPlan', () => {
  it('reads any subset of the parts, in any order, the rest from the default plan', () => {
    assert.deepEqual(parseMemoryPlan('microbatch=4,checkpoint=blocks'), {
      checkpoint: 'blocks',
      microbatch: 4,
      optimizer: 'after-backward',
      moments: 'fp32',
    });
    for (const moments of ['fp32', 'bf16'] as const) {
      const plan = { checkpoint: 'blocks', microbatch: 2, optimizer: 'in-backward', moments } as const;
      assert.deepEqual(parseMemoryPlan(formatMemoryPlan(plan)), plan);
    }
    assert.equal(parseMemoryPlan('moments=bf16').moments, 'bf16');
  });
  for (const [text, names] of [
    ['checkpoint=layers', 'none, blocks'],
    ['microbatch=0', 'whole number >= 1'],
    ['microbatch=2.5', 'whole number >= 1'],
    ['optimizer=sometimes', 'after-backward, in-backward'],
    ['moments=fp16', 'fp32, bf16'],
    ['speed=fast', 'checkpoint, microbatch, optimizer, moments'],
    ['checkpoint', 'key=value'],
    ['checkpoint=blocks,checkpoint=none', 'twice'],
  ])
    it(`refuses ${text}, naming what is accepted`, () => {
      assert.throws(
        () => parseMemoryPlan(text!),
        (error: Error) => error instanceof MemoryPlanError && error.message.includes(names!),
      );
    });
});

describe('byteSize', () => {
  it('reads decimal and binary units', () => {
    assert.equal(byteSize('200MB'), 200e6);
    assert.equal(byteSize('1.5 GiB'), 1.5 * 1024 ** 3);
    assert.equal(byteSize('4096'), 4096);
  });
  for (const text of ['', '-5MB', '10 parsecs', 'MB'])
    it(`refuses '${text}'`, () => assert.throws(() => byteSize(text), /size such as 200MB/));
});

describe('choosing a plan for a budget (xception-mini, 64 px, batch 8)', () => {
  const description = describeModel('xception-mini', {
    numClasses: 10,
    inputSize: 64,
    includePreprocessing: false,
  });
  const options = { batchSize: 8 };
  // The predictions above are NCHW (the default of predictPlan); train's auto is predicted as channels-last.
  const TRAIN_CONFIG = { ...DEFAULT_TRAIN_CONFIG, memoryFormat: 'nchw' } as const;
  const plans = candidatePlans(8).map((plan) => predictPlan(description, plan, options));
  const peaks = plans.map((p) => p.peakBytes);
  const [smallest, largest] = [Math.min(...peaks), Math.max(...peaks)];

  it('the default plan is the fastest, and checkpointing and micro-batches cost predicted time', () => {
    const byPlan = new Map(plans.map((p) => [formatMemoryPlan(p.plan), p]));
    assert.equal(byPlan.get(formatMemoryPlan(DEFAULT_MEMORY_PLAN))!.relativeStepTime, 1);
    assert.ok(byPlan.get('checkpoint=blocks,microbatch=1,optimizer=after-backward')!.relativeStepTime > 1);
    assert.ok(byPlan.get('checkpoint=none,microbatch=4,optimizer=after-backward')!.relativeStepTime > 1);
  });

  it('any budget from the smallest peak (+ the margin) up gets the fastest exact plan that fits, else the fastest', () => {
    let inexact = 0;
    for (let i = 0; i <= 5; i++) {
      const budget = budgetFor(smallest) + ((budgetFor(largest) - budgetFor(smallest)) * i) / 5;
      const { chosen } = choosePlan(description, budget, options);
      assert.ok(chosen && budgetFor(chosen.peakBytes) <= budget);
      const fits = plans.filter((p) => budgetFor(p.peakBytes) <= budget);
      const exact = fits.filter((p) => !p.changesLearning);
      const candidates = exact.length > 0 ? exact : fits;
      assert.equal(chosen.changesLearning, exact.length === 0, 'an exact plan whenever one fits');
      assert.ok(
        candidates.every((p) => p.relativeStepTime >= chosen.relativeStepTime),
        'no faster plan of its kind fits',
      );
      if (exact.length === 0) inexact++;
    }
    // The smallest budgets only micro-batches meet, so both branches are exercised.
    assert.ok(inexact > 0 && inexact < 6);
  });

  it('micro-batches are charged a fraction of a step each, not their MACs alone or a whole step', () => {
    const byPlan = new Map(plans.map((p) => [formatMemoryPlan(p.plan), p]));
    const four = byPlan.get('checkpoint=none,microbatch=4,optimizer=after-backward')!.relativeStepTime;
    assert.equal(four, 1 + 3 * MICROBATCH_OVERHEAD);
    assert.ok(MICROBATCH_OVERHEAD > 0 && MICROBATCH_OVERHEAD < 0.5);
  });

  it('below the smallest peak the run is refused, naming that peak and what it holds', () => {
    assert.equal(choosePlan(description, budgetFor(smallest) - 1, options).chosen, null);
    const config = { ...TRAIN_CONFIG, batchSize: 8, memoryBudgetBytes: budgetFor(smallest) - 1 };
    assert.throws(
      () => chooseMemoryPlan(config, description),
      (error: Error) =>
        error instanceof TrainInputError &&
        error.message.includes(`smallest predicted peak is ${(smallest / 1e6).toFixed(1)} MB`) &&
        /weights .* optimizer state .* activations/.test(error.message),
    );
  });

  it("predicts the run's precision and memory format; auto as channels-last", () => {
    const predicted = (config: Partial<typeof DEFAULT_TRAIN_CONFIG>) =>
      chooseMemoryPlan({ ...DEFAULT_TRAIN_CONFIG, batchSize: 8, ...config }, description).record
        .predictedPeakBytes;
    const plan = (layout: Parameters<typeof predictPlan>[2]) =>
      predictPlan(description, DEFAULT_MEMORY_PLAN, layout).peakBytes;
    const bf16 = plan({ ...options, precision: 'bf16', memoryFormat: 'nchw' });
    assert.equal(predicted({ precision: 'bf16', memoryFormat: 'nchw' }), bf16);
    assert.ok(bf16 < plan(options));
    const channelsLast = plan({ ...options, memoryFormat: 'channels-last' });
    assert.equal(predicted({ memoryFormat: 'auto' }), channelsLast);
    assert.ok(channelsLast >= plan(options), 'auto is predicted as the larger format');
  });

  it('refuses more micro-batches than images', () => {
    const config = { ...TRAIN_CONFIG, batchSize: 8, memoryPlan: parseMemoryPlan('microbatch=16') };
    assert.throws(() => chooseMemoryPlan(config, description), /more micro-batches than the batch of 8/);
  });

  it('bfloat16 moments halve the predicted state, and a budget chooses them only when allowed', () => {
    const ordinary = predictPlan(description, DEFAULT_MEMORY_PLAN, options);
    const halved = predictPlan(description, parseMemoryPlan('moments=bf16'), options);
    assert.equal(halved.parts.optimizerStateBytes * 2, ordinary.parts.optimizerStateBytes);
    assert.equal(halved.relativeStepTime, ordinary.relativeStepTime);
    // Budgets from the smallest peak up: bfloat16 moments only when allowed, and only where no plan
    // that computes the ordinary step fits.
    const withBf16 = predictPlans(description, { ...options, allowBf16Moments: true });
    const [low, high] = [budgetFor(Math.min(...withBf16.map((p) => p.peakBytes))), budgetFor(largest)];
    let chosenBf16 = 0;
    for (let i = 0; i <= 40; i++) {
      const budget = low + ((high - low) * i) / 40;
      const config = { ...TRAIN_CONFIG, batchSize: 8, memoryBudgetBytes: budget };
      const exactFits = plans.some((p) => !p.changesLearning && budgetFor(p.peakBytes) <= budget);
      if (budget >= budgetFor(smallest))
        assert.equal(chooseMemoryPlan(config, description).plan.moments, 'fp32');
      const allowed = chooseMemoryPlan({ ...config, allowBf16Moments: true }, description).plan;
      if (allowed.moments === 'bf16') {
        chosenBf16++;
        assert.ok(!exactFits, `bfloat16 moments chosen at ${budget} B though an exact plan fits`);
      }
    }
    assert.ok(chosenBf16 > 0, 'some budget only bfloat16 moments meet');
    const config = { ...TRAIN_CONFIG, batchSize: 8, memoryBudgetBytes: budgetFor(halved.peakBytes) };
    // SGD has no moments: never a bfloat16-moments candidate, and refused when asked for.
    const sgd = { ...config, optimizer: 'sgd', allowBf16Moments: true } as const;
    assert.equal(chooseMemoryPlan(sgd, description).plan.moments, 'fp32');
    assert.throws(
      () => chooseMemoryPlan({ ...sgd, memoryBudgetBytes: null, memoryPlan: halved.plan }, description),
      /moments=bf16 keeps Adam's two moments in bfloat16, but --optimizer sgd has none/,
    );
  });
});

describe('micro-batches and BatchNorm', () => {
  const description = describeModel('xception-mini', {
    numClasses: 10,
    inputSize: 64,
    includePreprocessing: false,
  });
  const microbatched = (freeze: Parameters<typeof frozenSegments>[1]) =>
    predictPlans(description, {
      batchSize: 8,
      frozenSegments: frozenSegments(description, freeze),
    }).filter((p) => p.plan.microbatch > 1);

  it('change what is learned while a BatchNorm trains (none frozen, or the last block trained)', () => {
    for (const freeze of ['none', { lastBlocks: 1 }] as const) {
      const plans = microbatched(freeze);
      assert.ok(plans.length > 0 && plans.every((p) => p.changesLearning), JSON.stringify(freeze));
    }
  });

  it('compute the ordinary step when every BatchNorm is frozen, so a budget takes them as exact', () => {
    const plans = microbatched('backbone');
    assert.ok(plans.length > 0 && plans.every((p) => !p.changesLearning));
    // The smallest peak of a frozen backbone is a micro-batched one, chosen without bfloat16 moments.
    const smallest = plans.reduce((a, b) => (b.peakBytes < a.peakBytes ? b : a));
    const config = {
      ...DEFAULT_TRAIN_CONFIG,
      memoryFormat: 'nchw',
      batchSize: 8,
      freeze: 'backbone',
      memoryBudgetBytes: budgetFor(smallest.peakBytes),
    } as const;
    const chosen = chooseMemoryPlan(config, description).prediction;
    assert.ok(chosen.plan.microbatch > 1 && !chosen.changesLearning);
  });
});
