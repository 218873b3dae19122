// `pareto-edge export` and `eval --onnx` as a user runs them after `train`: the exported model agrees
// with the run in ONNX Runtime on the run's test images; a run without weights, a wrong format or a
// file that is not an ONNX model are clear errors, and a failed export leaves no file behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { trainedRun } from '../helpers/trained-run.js';

test('export writes an ONNX model that eval --onnx finds equal to the run; bad input is refused cleanly', async () => {
  const { dir, run } = await trainedRun([]);
  try {
    const out = path.join(dir, 'deploy', 'mini.onnx');
    const exported = runCli(['export', run, '--format', 'onnx', '--out', out, '--json']);
    assert.equal(exported.status, 0, exported.stderr);
    assert.equal(JSON.parse(exported.stdout).file, out);

    const evaluated = runCli(['eval', run, '--onnx', out, '--json']);
    assert.equal(evaluated.status, 0, evaluated.stderr);
    const result = JSON.parse(evaluated.stdout);
    assert.equal(result.onnx.images, 20);
    assert.equal(result.onnx.agreement, 1);
    assert.ok(result.onnx.maxLogitDelta <= 1e-4, `max |Δlogit| ${result.onnx.maxLogitDelta}`);
    assert.equal(result.onnx.accuracy, result.accuracy);
    assert.equal(result.onnx.latency.threads, 2);
    for (const key of ['batch1', 'batch16'])
      assert.ok(result.onnx.latency.speedup[key] > 0 && result.onnx.latency.onnx[key].median > 0);
    const text = runCli(['eval', run, '--onnx', out]);
    assert.match(text.stdout, /top-1 agreement 100\.00%/);
    assert.match(text.stdout, /latency at 2 threads, batch 1: .* \(\d+\.\d\dx\); batch 16: /);

    const bad = path.join(dir, 'bad.onnx');
    await writeFile(bad, 'not a model');
    const refused = runCli(['eval', run, '--onnx', bad]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /bad\.onnx is not a readable ONNX model/);

    assert.match(runCli(['export', run, '--format', 'tflite', '--out', out]).stderr, /--format must be onnx/);

    const copy = path.join(dir, 'copied');
    await cp(run, copy, { recursive: true });
    await rm(path.join(copy, 'weights.safetensors'));
    const target = path.join(dir, 'nothing', 'x.onnx');
    const noWeights = runCli(['export', copy, '--out', target]);
    assert.equal(noWeights.status, 2);
    assert.match(noWeights.stderr, /has no weights\.safetensors/);
    assert.deepEqual(await readdir(path.dirname(target)).catch(() => []), [], 'nothing written');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
