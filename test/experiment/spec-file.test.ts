// `compare --config FILE`: a hand-written spec is checked field by field; a mistake names the file,
// the field and what it should hold, and nothing is trained.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readExperimentSpec } from '../../src/experiment/spec-file.js';
import { UserInputError } from '../../src/util/errors.js';
import { maxThreads } from '../../src/util/threads.js';
import { runCli } from '../helpers/cli.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pe-spec-'));
});
after(async () => rm(dir, { recursive: true, force: true }));

async function specFile(name: string, content: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

async function rejection(file: string): Promise<string> {
  const error = await readExperimentSpec(file).then(
    () => assert.fail(`${file} was accepted`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof UserInputError, String(error));
  assert.ok(error.message.startsWith(`--config ${file} `), error.message);
  return error.message;
}

const valid = { models: ['xception-mini'], datasets: { pcb: 'synthetic-pcb' } };

describe('readExperimentSpec', () => {
  it('resolves description files, folders and the pre-trained experiment from the file, not the working directory', async () => {
    const spec = await readExperimentSpec(
      await specFile('with-file.json', {
        models: ['xception-mini', 'front/1.json'],
        datasets: { pcb: 'data/pcb', generated: 'synthetic-pcb:8,4,8', caltech: 'caltech101' },
        pretrainedFrom: '../experiments/caltech',
      }),
    );
    assert.notEqual(path.resolve('front/1.json'), path.join(dir, 'front/1.json'));
    assert.deepEqual(spec.models, ['xception-mini', path.join(dir, 'front/1.json')]);
    assert.deepEqual(spec.datasets, {
      pcb: path.join(dir, 'data/pcb'),
      generated: 'synthetic-pcb:8,4,8',
      caltech: 'caltech101',
    });
    assert.equal(spec.pretrainedFrom, path.resolve(dir, '../experiments/caltech'));
  });

  it('fills the optional fields with their defaults', async () => {
    const spec = await readExperimentSpec(
      await specFile('ok.json', {
        ...valid,
        train: { epochs: 2, schedule: { kind: 'cosine', minLearningRate: 0 } },
      }),
    );
    assert.deepEqual(spec, {
      ...valid,
      settings: ['scratch'],
      pretrainedFrom: null,
      pretrainedDataset: null,
      train: { epochs: 2, schedule: { kind: 'cosine', minLearningRate: 0 } },
    });
  });

  it('takes train.memoryFormat, reads the older channelsLast as it, and names the choices of a bad one', async () => {
    const read = async (name: string, train: object) =>
      (await readExperimentSpec(await specFile(name, { ...valid, train }))).train;
    assert.deepEqual(await read('format.json', { memoryFormat: 'nchw' }), { memoryFormat: 'nchw' });
    assert.deepEqual(await read('older-on.json', { channelsLast: true }), { memoryFormat: 'channels-last' });
    assert.deepEqual(await read('older-off.json', { channelsLast: false }), { memoryFormat: 'nchw' });
    const bad = await specFile('bad-format.json', { ...valid, train: { memoryFormat: 'nhwc' } });
    assert.match(await rejection(bad), /train\.memoryFormat: .*"auto".*"nchw".*"channels-last"/);
  });

  it('names a missing field and what it should hold', async () => {
    const message = await rejection(await specFile('missing.json', { datasets: valid.datasets }));
    assert.match(message, /models: missing, expected array/);
  });

  it('refuses more threads or workers than 4 per core, saying why', async () => {
    const tooMany = maxThreads() + 1;
    for (const field of ['threads', 'workers']) {
      const file = await specFile(`${field}.json`, { ...valid, train: { [field]: tooMany } });
      assert.match(
        await rejection(file),
        new RegExp(`train\\.${field}: .*at most ${maxThreads()} \\(4 per core`),
      );
    }
  });

  it('names a mistyped field by its path', async () => {
    const message = await rejection(await specFile('typed.json', { ...valid, train: { epochs: '3' } }));
    assert.match(message, /train\.epochs: Invalid input: expected number, received string/);
    const freeze = await rejection(await specFile('freeze.json', { ...valid, pretrainedFreeze: 'all' }));
    assert.match(freeze, /pretrainedFreeze: expected "none", "backbone" or \{"lastBlocks": N\}/);
  });

  it('names an unknown model with its position and the known ones', async () => {
    const message = await rejection(
      await specFile('model.json', { ...valid, models: ['xception', 'resnet'] }),
    );
    assert.match(message, /models\[1\]: unknown model "resnet"; choose from xception, xception-lite/);
  });

  it('names a misspelt setting rather than ignoring it', async () => {
    const message = await rejection(await specFile('key.json', { ...valid, train: { epoch: 3 } }));
    assert.match(message, /train: Unrecognized key: "epoch"/);
  });

  it('says when the file is missing or not JSON', async () => {
    assert.match(await rejection(path.join(dir, 'absent.json')), /cannot be read .*check the path/);
    assert.match(
      await rejection(await specFile('syntax.json', '{"models": [')),
      /is not JSON .*fix the syntax/,
    );
  });
});

describe('pareto-edge compare --config', () => {
  it('exits 2 with one line naming the file and the field, and writes nothing', async () => {
    const file = await specFile('cli.json', { ...valid, models: 'xception' });
    const out = path.join(dir, 'experiment');
    const result = runCli(['compare', '--config', file, '--out', out]);
    assert.equal(result.status, 2, result.stderr);
    assert.equal(
      result.stderr,
      `pareto-edge: --config ${file} is not a valid experiment spec: models: Invalid input: expected array, received string\n`,
    );
    assert.equal(existsSync(out), false);
  });
});
