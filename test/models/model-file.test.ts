// A description file is accepted wherever a model name is: the zoo resolves it, adapts the head's
// classes, and names the file and the problem when it is not a usable description.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { describeModel } from '../../src/zoo/registry.js';
import { ModelFileError } from '../../src/zoo/model-file.js';
import { runCli } from '../helpers/cli.js';
import { planRuns } from '../../src/experiment/plan.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'model-file-'));
function writeJson(name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}
const mini = describeModel('xception-mini', { numClasses: 3, inputSize: 48 });
const miniFile = writeJson('mini.json', mini);

describe('model description files', () => {
  it('resolve to the same description as the zoo name, with the classes asked', () => {
    const options = { numClasses: 5, inputSize: 48, includePreprocessing: false };
    assert.deepEqual(describeModel(miniFile, options), describeModel('xception-mini', options));
  });

  it('refuse another input size, naming the size to pass', () => {
    assert.throws(() => describeModel(miniFile, { inputSize: 64 }), /48x48 input but 64x64.*--input 48/);
  });

  it('name the file and the problem when the file is missing, not JSON or not a description', () => {
    const cases: [string, RegExp][] = [
      [path.join(dir, 'absent.json'), /absent\.json cannot be read \(ENOENT\)/],
      [writeJson('broken.json', '{"schema":'), /broken\.json is not JSON/],
      [writeJson('nolayers.json', { ...mini, layers: undefined }), /nolayers\.json .*layers/],
      [writeJson('family.json', { ...mini, family: 'resnet' }), /family\.json .*family/],
      [
        writeJson('kind.json', { ...mini, layers: [{ kind: 'Conv3D', name: 'c' }] }),
        /kind\.json .*unknown layer kind 'Conv3D'/,
      ],
    ];
    for (const [file, message] of cases)
      assert.throws(
        () => describeModel(file),
        (error: Error) => error instanceof ModelFileError && message.test(error.message),
        file,
      );
  });

  it('plan as compare runs named after the file', () => {
    const [run] = planRuns(
      {
        models: [miniFile],
        datasets: { d: 'data' },
        settings: ['scratch'],
        pretrainedFrom: null,
        pretrainedDataset: null,
        train: {},
      },
      '/exp',
    );
    assert.equal(run?.dir, path.join('/exp', 'runs', 'd', 'scratch', 'mini'));
    assert.equal(run?.id, 'd/scratch/mini');
    assert.equal(run?.config.model, miniFile);
  });

  it('work in `summary` and give a one-line error there for a bad file', () => {
    const ok = runCli(['summary', miniFile, '--input', '48', '--classes', '3', '--json']);
    assert.equal(ok.status, 0, ok.stderr);
    const fromName = runCli(['summary', 'xception-mini', '--input', '48', '--classes', '3', '--json']);
    assert.equal(ok.stdout, fromName.stdout);
    const bad = runCli(['summary', path.join(dir, 'absent.json')]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /absent\.json cannot be read/);
  });
});
