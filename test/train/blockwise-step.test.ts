// A step under a memory plan computes what the ordinary step computes: for every zoo model (32 px,
// batch 2, two Adam steps), gradients, updated weights and BatchNorm running statistics equal the
// plain step's within 1e-5. Micro-batching normalises each slice with its own BatchNorm statistics,
// so it is compared in eval mode (running statistics, no dropout), where it must match exactly too.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, keep, manualSeed, noGrad, randint, randn, tidy, type Tensor } from '../../src/engine/index.js';
import { buildModel, type DescribedModel } from '../../src/models/index.js';
import { describeModel, modelNames } from '../../src/zoo/registry.js';
import { parseMemoryPlan, type MemoryPlan } from '../../src/analysis/memory-plan.js';
import { planStep } from '../../src/train/blockwise-step.js';
import { applyFreeze } from '../../src/train/transfer.js';

const TOLERANCE = 1e-5;
const CLASSES = 5;

interface After {
  state: Record<string, Float32Array>;
  grads: Record<string, Float32Array>;
}

/** Two steps of `plan` from the model's current state; returns the state and the last gradients. */
function runSteps(
  model: DescribedModel,
  initial: Record<string, Tensor>,
  plan: MemoryPlan,
  x: Tensor,
  y: Tensor,
): After {
  model.loadStateDict(initial);
  const optimizer = new Adam(model.trainableParameters());
  try {
    const grads: Record<string, Float32Array> = {};
    for (let step = 0; step < 2; step++) {
      manualSeed(7 + step); // the same dropout draws for every plan
      planStep(model, optimizer, x, y, plan);
    }
    for (const [name, p] of model.trainableParameters()) {
      const g = p.grad;
      if (g) grads[name] = g.toFloat32Array();
      g?.dispose();
      p.grad = null;
    }
    const state = Object.fromEntries(
      Object.entries(model.stateDict()).map(([name, t]) => [name, t.toFloat32Array()]),
    );
    return { state, grads };
  } finally {
    optimizer.dispose();
  }
}

function maxAbsDiff(a: Record<string, Float32Array>, b: Record<string, Float32Array>): number {
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
  let max = 0;
  for (const [name, values] of Object.entries(a)) {
    const other = b[name]!;
    for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]! - other[i]!));
  }
  return max;
}

function compare(name: string, plans: string[], { mode = 'train', freeze = false } = {}): void {
  describe(`${name}${freeze ? ', backbone frozen' : ''} (${mode} mode): plan steps equal the plain step`, () => {
    const description = describeModel(name, {
      numClasses: CLASSES,
      inputSize: 32,
      includePreprocessing: false,
    });
    manualSeed(0);
    const model = buildModel(description);
    if (mode === 'eval') model.eval();
    if (freeze) applyFreeze(model, 'backbone');
    const initial = Object.fromEntries(
      Object.entries(model.stateDict()).map(([n, t]) => [n, keep(noGrad(() => t.clone()))]),
    );
    const x = keep(tidy(() => randn([2, 3, 32, 32])));
    const y = keep(randint(0, CLASSES, [2]));
    const plain = runSteps(model, initial, parseMemoryPlan('checkpoint=none'), x, y);
    for (const text of plans)
      it(text, () => {
        const plan = parseMemoryPlan(text);
        const after = runSteps(model, initial, plan, x, y);
        // Weights and BatchNorm running statistics (updated once per step, not again by a re-run).
        const stateDiff = maxAbsDiff(plain.state, after.state);
        assert.ok(stateDiff <= TOLERANCE, `weights/statistics differ by ${stateDiff}`);
        if (plan.optimizer === 'after-backward') {
          const gradDiff = maxAbsDiff(plain.grads, after.grads);
          assert.ok(gradDiff <= TOLERANCE, `gradients differ by ${gradDiff}`);
        } else {
          assert.deepEqual(after.grads, {}, 'in-backward frees every gradient once applied');
        }
      });
    it('cleans up', () => {
      for (const t of [...Object.values(initial), x, y]) t.dispose();
      model.dispose();
    });
  });
}

for (const name of modelNames())
  compare(name, ['checkpoint=blocks', 'checkpoint=blocks,optimizer=in-backward']);
compare('xception-mini', ['optimizer=in-backward']);
// microbatch=4 on a batch of 2 (as an epoch's short last batch may be): one image per slice.
compare(
  'xception-mini',
  ['microbatch=2', 'microbatch=4', 'microbatch=2,checkpoint=blocks,optimizer=in-backward'],
  {
    mode: 'eval',
  },
);
// With every BatchNorm frozen (inference mode) a micro-batch is exact in training mode too: what
// lets a budget choose micro-batches for a frozen backbone as an exact plan (plan-memory.ts).
compare('mobilenet-v2', ['checkpoint=blocks,optimizer=in-backward', 'microbatch=2'], { freeze: true });

it('running statistics after a checkpointed step are those of the plain step, and they did change', () => {
  const description = describeModel('xception-mini', {
    numClasses: CLASSES,
    inputSize: 32,
    includePreprocessing: false,
  });
  manualSeed(0);
  const model = buildModel(description);
  const before = model.stateDict()['model.stem.stem_bn.running_mean']!.toFloat32Array();
  const initial = Object.fromEntries(
    Object.entries(model.stateDict()).map(([n, t]) => [n, keep(noGrad(() => t.clone()))]),
  );
  const x = keep(tidy(() => randn([2, 3, 32, 32])));
  const y = keep(randint(0, CLASSES, [2]));
  const plain = runSteps(model, initial, parseMemoryPlan('checkpoint=none'), x, y);
  const checkpointed = runSteps(model, initial, parseMemoryPlan('checkpoint=blocks'), x, y);
  for (const name of Object.keys(plain.state).filter((n) => n.includes('running_'))) {
    assert.ok(
      maxAbsDiff({ [name]: plain.state[name]! }, { [name]: checkpointed.state[name]! }) <= TOLERANCE,
      name,
    );
  }
  assert.ok(maxAbsDiff({ a: before }, { a: plain.state['model.stem.stem_bn.running_mean']! }) > 0);
  for (const t of [...Object.values(initial), x, y]) t.dispose();
  model.dispose();
});
