// --memory-format as a user meets it: checked by the parser on every command that takes it; `auto`
// (the default) measured once per machine and recorded in run.json, which eval and predict follow;
// runs written before it (channelsLast in run.json) still evaluate, predict and resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { trainedRun } from '../helpers/trained-run.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- run.json as written, old or new
type Json = any;
const readJson = async (file: string): Promise<Json> => JSON.parse(await readFile(file, 'utf8'));

test('a --memory-format that is not auto, nchw or channels-last is one line naming the choices, exit 2', () => {
  for (const args of [
    ['train', '--model', 'xception-mini', '--data', 'synthetic-pcb', '--memory-format', 'nhwc'],
    ['bench', 'xception-mini', '--memory-format', 'x'],
    ['compare', '--data', 'synthetic-pcb', '--memory-format', 'x'],
    ['search', '--family', 'xception', '--data', 'synthetic-pcb', '--memory-format', 'x'],
  ]) {
    const result = runCli(args);
    assert.equal(result.status, 2, `${args[0]}: ${result.stderr}`);
    assert.match(
      result.stderr,
      /^pareto-edge: option '--memory-format <f>' argument '.+' is invalid\. It must be auto, nchw or channels-last\. Run 'pareto-edge \w+ --help' for usage\.\n$/,
    );
  }
});

test('train measures auto once per machine and workload, records what ran, and eval and predict run in it', async () => {
  const cache = await mkdtemp(path.join(tmpdir(), 'pe-format-cache-'));
  const env = process.env.PARETO_EDGE_CACHE;
  process.env.PARETO_EDGE_CACHE = cache; // runCli passes the environment on
  try {
    const first = await trainedRun([]);
    const record = await readJson(path.join(first.run, 'run.json'));
    assert.equal(record.config.memoryFormat, 'auto', 'the config keeps what was asked');
    const choice = record.memoryFormat;
    assert.equal(choice.chosen, 'measured');
    assert.equal(choice.cached, false);
    assert.ok(choice.stepMs.nchw > 0 && choice.stepMs['channels-last'] > 0);
    assert.equal(
      choice.format,
      choice.stepMs['channels-last'] < choice.stepMs.nchw ? 'channels-last' : 'nchw',
    );

    const second = await trainedRun([]);
    const again = (await readJson(path.join(second.run, 'run.json'))).memoryFormat;
    assert.deepEqual(
      again,
      { ...choice, cached: true },
      'the second run of the same workload measured again',
    );

    const evaluation = runCli(['eval', first.run, '--json']);
    assert.equal(evaluation.status, 0, evaluation.stderr);
    assert.equal(JSON.parse(evaluation.stdout).memoryFormat, choice.format);
    const predicted = runCli(['predict', first.run, path.join(first.dir, 'pcb', 'test'), '--json']);
    assert.equal(predicted.status, 0, predicted.stderr);
    assert.equal(JSON.parse(predicted.stdout).memoryFormat, choice.format);
    await Promise.all([first.dir, second.dir].map((dir) => rm(dir, { recursive: true, force: true })));
  } finally {
    if (env === undefined) delete process.env.PARETO_EDGE_CACHE;
    else process.env.PARETO_EDGE_CACHE = env;
    await rm(cache, { recursive: true, force: true });
  }
});

test('runs from before --memory-format (channelsLast in run.json) evaluate, predict and resume in the format they ran in', async () => {
  // --channels-last, the deprecated alias, still forces channels-last.
  const { dir, run } = await trainedRun(['--channels-last']);
  try {
    const file = path.join(run, 'run.json');
    const current = await readJson(file);
    assert.equal(current.config.memoryFormat, 'channels-last');
    assert.deepEqual(current.memoryFormat, { format: 'channels-last', chosen: 'forced' });

    for (const channelsLast of [true, false]) {
      const { memoryFormat: _record, ...older } = current;
      const { memoryFormat: _setting, ...config } = current.config;
      await writeFile(file, JSON.stringify({ ...older, config: { ...config, channelsLast } }));
      const expected = channelsLast ? 'channels-last' : 'nchw';
      const evaluation = runCli(['eval', run, '--json']);
      assert.equal(evaluation.status, 0, evaluation.stderr);
      assert.equal(JSON.parse(evaluation.stdout).memoryFormat, expected);
      const predicted = runCli(['predict', run, path.join(dir, 'pcb', 'test'), '--json']);
      assert.equal(predicted.status, 0, predicted.stderr);
      assert.equal(JSON.parse(predicted.stdout).memoryFormat, expected);
    }

    // The older run (channelsLast false) trains one more epoch, as it ran, in NCHW.
    const resumed = runCli([
      ...['train', '--model', 'xception-mini', '--data', path.join(dir, 'pcb'), '--input', '32'],
      ...['--epochs', '2', '--out', run, '--resume', '--memory-format', 'nchw'],
    ]);
    assert.equal(resumed.status, 0, resumed.stderr);
    const after = await readJson(file);
    assert.equal(after.summary.history.length, 2);
    assert.equal(after.config.memoryFormat, 'nchw');
    assert.ok(!('channelsLast' in after.config));
    assert.deepEqual(after.memoryFormat, { format: 'nchw', chosen: 'forced' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
