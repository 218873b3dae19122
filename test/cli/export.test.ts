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
    for (const key of ['batch1', 'batch16']) {
      assert.ok(result.onnx.latency.speedup[key] > 0 && result.onnx.latency.onnx[key].median > 0);
      assert.ok(result.onnx.latency.foldedSpeedup[key] > 0 && result.onnx.latency.folded[key].median > 0);
    }
    const text = runCli(['eval', run, '--onnx', out]);
    assert.match(text.stdout, /top-1 agreement 100\.00%/);
    assert.match(text.stdout, /latency at 2 threads, batch 1: .* \(\d+\.\d\dx\); batch 16: /);
    assert.match(text.stdout, /and against BatchNorm folded, batch 1: .* \(\d+\.\d\dx\); batch 16: /);

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

test('export --int8 calibrates on training images, checks validation accuracy and refuses a larger drop', async () => {
  const { dir, run } = await trainedRun([]);
  try {
    const out = path.join(dir, 'mini-int8.onnx');
    const written = runCli([
      ...['export', run, '--int8', '--calibration', '20', '--max-accuracy-drop', '100'],
      ...['--out', out, '--json'],
    ]);
    assert.equal(written.status, 0, written.stderr);
    const result = JSON.parse(written.stdout);
    assert.match(
      result.quantization,
      /int8 QDQ: per-channel symmetric int8 weights, per-tensor uint8 activations \(minmax, 20 training images\)/,
    );
    assert.equal(result.check.images, 12, 'measured on the validation split');
    assert.ok(
      Math.abs(
        result.check.accuracyDropPoints - (result.check.fp32Accuracy - result.check.int8Accuracy) * 100,
      ) < 1e-9,
    );

    const evaluated = JSON.parse(runCli(['eval', run, '--onnx', out, '--json']).stdout);
    assert.match(evaluated.onnx.quantization, /^int8 QDQ/);
    assert.equal(evaluated.onnx.images, 20);
    assert.ok(
      evaluated.onnx.agreement >= 0.5,
      `int8 agrees with fp32 on most test images: ${evaluated.onnx.agreement}`,
    );

    // No loss at all allowed: either the int8 model lost nothing, or it is refused and nothing written.
    const strict = path.join(dir, 'strict.onnx');
    const checked = runCli([
      ...['export', run, '--int8', '--calibration', '20', '--calibration-method', 'percentile'],
      ...['--max-accuracy-drop', '0', '--out', strict, '--json'],
    ]);
    if (checked.status === 0) assert.ok(JSON.parse(checked.stdout).check.accuracyDropPoints <= 0);
    else {
      assert.equal(checked.status, 2);
      assert.match(
        checked.stderr,
        /the int8 model loses \d+\.\d\d accuracy points .* more than --max-accuracy-drop 0; nothing written/,
      );
      assert.deepEqual(
        (await readdir(dir)).filter((name) => name.includes('strict')),
        [],
      );
    }
    assert.match(
      runCli(['export', run, '--int8', '--calibration-method', 'kl', '--out', strict]).stderr,
      /--calibration-method must be minmax or percentile/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
