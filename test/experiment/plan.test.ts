// The experiment plan: which runs a preset expands to, and what each pre-trained run starts from
// and leaves frozen (the paper's code freezes every layer but the new head).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { PRESETS, planRuns, runDirFor, type ExperimentSpec } from '../../src/experiment/plan.js';
import { runCli } from '../helpers/cli.js';

function pcbSpec(overrides: Partial<ExperimentSpec> = {}): ExperimentSpec {
  const preset = PRESETS.pcb ?? assert.fail('no pcb preset');
  return { ...preset.spec, datasets: { pcb: '/data/pcb' }, pretrainedFrom: '/exp/caltech', ...overrides };
}

describe('planRuns', () => {
  it('puts every from-scratch run before the pre-trained ones, each in its own directory', () => {
    const runs = planRuns(pcbSpec(), '/exp/pcb');
    assert.deepEqual(
      runs.map((run) => run.id),
      ['scratch', 'pretrained'].flatMap((setting) =>
        ['xception', 'xception-lite', 'mobilenet-v2', 'efficientnet-v2-b1'].map((m) => `pcb/${setting}/${m}`),
      ),
    );
    assert.equal(runs[0]?.dir, path.join('/exp/pcb', 'runs', 'pcb', 'scratch', 'xception'));
  });

  it("starts a pre-trained run from the same model's run on the earlier dataset, backbone frozen", () => {
    const runs = planRuns(pcbSpec(), '/exp/pcb');
    const scratch = runs.find((run) => run.id === 'pcb/scratch/mobilenet-v2') ?? assert.fail();
    const pretrained = runs.find((run) => run.id === 'pcb/pretrained/mobilenet-v2') ?? assert.fail();
    assert.deepEqual([scratch.config.initFrom, scratch.config.freeze], [null, 'none']);
    assert.equal(
      pretrained.config.initFrom,
      runDirFor('/exp/caltech', 'caltech101', 'scratch', 'mobilenet-v2'),
    );
    assert.equal(pretrained.config.freeze, 'backbone');
    assert.equal(pretrained.config.epochs, 15);
  });

  it('fine-tunes everything when the spec asks for no freezing', () => {
    const runs = planRuns(pcbSpec({ pretrainedFreeze: 'none' }), '/exp/pcb');
    assert.ok(runs.every((run) => run.config.freeze === 'none'));
  });
});

describe('compare --freeze', () => {
  it('rejects a value that is not none, backbone or last:N, naming the accepted ones', () => {
    const result = runCli([
      'compare',
      '--data',
      'synthetic-pcb',
      '--freeze',
      'head',
      '--out',
      '/nonexistent/x',
    ]);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /--freeze must be none, backbone or last:N/);
  });
});
