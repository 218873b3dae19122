// A run that early stopping ended is finished: running the experiment (or the run) again leaves it
// alone. And a run is named as its experiment's plan names it, not by its data folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeSyntheticPcb } from '../../src/data/index.js';
import { train } from '../../src/train/index.js';
import { planRuns, type ExperimentSpec } from '../../src/experiment/plan.js';
import { runExperiment } from '../../src/experiment/runner.js';

const EPOCHS = 8;
let dir = '';

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pe-finished-'));
  const counts = { train: 32, val: 16, test: 16 };
  await writeSyntheticPcb(path.join(dir, 'pcb-defects'), { task: 'binary', size: 32, counts, seed: 5 });
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One small MobileNetV2 run on the data folder pcb-defects, which the experiment calls "pcb". */
function experiment(name: string, train: ExperimentSpec['train']): { exp: string; spec: ExperimentSpec } {
  const spec: ExperimentSpec = {
    models: ['mobilenet-v2'],
    datasets: { pcb: path.join(dir, 'pcb-defects') },
    settings: ['scratch'],
    pretrainedFrom: null,
    pretrainedDataset: null,
    train: {
      alpha: 0.35,
      inputSize: 32,
      threads: 1,
      workers: 1,
      cacheImages: false,
      latencyIterations: 1,
      ...train,
    },
  };
  return { exp: path.join(dir, name), spec };
}

test('an early-stopped run is finished: neither the experiment nor --resume tests or saves it again', async () => {
  const { exp, spec } = experiment('early', {
    epochs: EPOCHS,
    earlyStopping: { metric: 'valAcc', patience: 1 },
  });
  const [run] = planRuns(spec, exp);
  const [first] = await runExperiment(exp, spec, [run]);
  assert.equal(first.status, 'finished', JSON.stringify(first));
  const record = JSON.parse(await readFile(path.join(run.dir, 'run.json'), 'utf8'));
  assert.ok(record.summary.history.length < EPOCHS, 'precondition: early stopping ended the run');

  const files = ['run.json', 'weights.safetensors'].map((name) => path.join(run.dir, name));
  const modified = async () => Promise.all(files.map(async (file) => (await stat(file)).mtimeMs));
  const before = await modified();
  const [again] = await runExperiment(exp, spec, [run]);
  assert.deepEqual(again, { id: run.id, status: 'skipped', dir: run.dir, reason: 'already finished' });
  const direct = await train(run.config, run.dir, { resume: true, quiet: true });
  assert.equal(direct.test, null, 'not tested again');
  assert.deepEqual(direct.summary, record.summary);
  assert.deepEqual(await modified(), before, 'weights and run.json untouched');
});

test("run.json's summary carries the run id and dataset name of the experiment's plan", async () => {
  const { exp, spec } = experiment('named', { epochs: 1 });
  const [run] = planRuns(spec, exp);
  await runExperiment(exp, spec, [run]);
  const { summary } = JSON.parse(await readFile(path.join(run.dir, 'run.json'), 'utf8'));
  const plan = JSON.parse(await readFile(path.join(exp, 'experiment.json'), 'utf8'));
  assert.deepEqual(plan.runs, [{ id: 'pcb/scratch/mobilenet-v2', dir: 'runs/pcb/scratch/mobilenet-v2' }]);
  assert.equal(summary.id, 'pcb/scratch/mobilenet-v2');
  assert.equal(summary.dataset, 'pcb');
  assert.equal(summary.setting, 'scratch');
});
