// `pareto-edge compare` over the four paper models, then `pareto-edge report`, as a user runs them:
// runs land in EXP_DIR/runs/<dataset>/<setting>/<model>, a finished run is not redone, a failed run
// is reported while the rest go on, and the report has the tables and plots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';

const MODELS = ['xception', 'xception-lite', 'mobilenet-v2', 'efficientnet-v2-b1'];

test('compare trains the four paper models into one experiment, and report writes report.html', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-compare-'));
  const data = path.join(dir, 'pcb');
  assert.equal(
    runCli(['data', 'synth', '--out', data, '--size', '32', '--count', '48,16,16', '--quiet']).status,
    0,
  );
  const exp = path.join(dir, 'exp');
  const args = [
    'compare',
    '--models',
    MODELS.join(','),
    '--data',
    data,
    '--epochs',
    '1',
    '--input',
    '32',
    '--out',
    exp,
  ];

  const first = runCli(args);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /Table 1\. pcb, not pre-trained/);
  assert.match(first.stdout, /Pareto analysis \(Test accuracy ↑, .*\): .*Front: /);
  const reportPath = path.join(exp, 'report', 'report.html');
  assert.ok(first.stdout.includes(`Report (open in a browser): ${reportPath}`), first.stdout);
  assert.ok((await stat(reportPath)).size > 0, 'compare wrote the report itself');
  for (const name of ['Xception', 'Xception-Lite', 'MobileNetV2', 'EfficientNetV2-B1']) {
    assert.match(first.stdout, new RegExp(`\\| ${name} \\|`), `${name} row in the comparison table`);
  }
  for (const model of MODELS) {
    const run = JSON.parse(
      await readFile(path.join(exp, 'runs', 'pcb', 'scratch', model, 'run.json'), 'utf8'),
    );
    assert.equal(run.status, 'finished');
    assert.equal(run.summary.model, model);
  }

  const weights = path.join(exp, 'runs', 'pcb', 'scratch', 'xception', 'weights.safetensors');
  const before = (await stat(weights)).mtimeMs;
  const again = runCli([...args, '--pretrained-from', path.join(dir, 'nowhere')]);
  assert.equal(again.status, 1, 'pre-trained runs without a source fail, so the command fails');
  assert.match(again.stderr, /pcb\/scratch\/xception: already finished, not redone/);
  assert.match(again.stderr, /pcb\/pretrained\/xception FAILED: no finished run to pre-train from/);
  assert.match(again.stderr, /4 of 8 runs failed/);
  assert.equal((await stat(weights)).mtimeMs, before, 'the finished run was not redone');
  const record = JSON.parse(await readFile(path.join(exp, 'experiment.json'), 'utf8'));
  assert.equal(record.outcomes.filter((o: { status: string }) => o.status === 'failed').length, 4);

  const report = runCli(['report', exp]);
  assert.equal(report.status, 0, report.stderr);
  const html = await readFile(path.join(exp, 'report', 'report.html'), 'utf8');
  assert.match(html, /<table/);
  assert.ok((html.match(/<svg/g) ?? []).length >= 4, 'figures are inlined as SVG');
  for (const model of ['Xception-Lite', 'MobileNetV2']) assert.match(html, new RegExp(model));
  await rm(dir, { recursive: true, force: true });
});
