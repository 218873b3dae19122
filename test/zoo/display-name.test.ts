// Tables and figures name a model by displayName: a zoo model by its display name, a description file
// (what the search writes to front/<k>.json) by the network's own name rather than its absolute path,
// and by the file's name when the file is no longer there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeModel, displayName } from '../../src/zoo/registry.js';

test('displayName names zoo models, description files by their network, and moved files by their file name', async () => {
  assert.equal(displayName('xception-lite'), 'Xception-Lite');
  assert.equal(displayName('not-a-model'), 'not-a-model');
  assert.equal(displayName('<b>net</b>, "v2"'), '<b>net</b>, "v2"', 'a name with a slash is not a path');
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-display-'));
  try {
    const file = path.join(dir, '2.json');
    const description = {
      ...describeModel('xception-mini', { numClasses: 2, inputSize: 64 }),
      name: 'xception-db985a7c',
    };
    await writeFile(file, JSON.stringify(description));
    assert.equal(displayName(file), 'xception-db985a7c');
    assert.equal(displayName(path.join(dir, 'moved', '3.json')), '3.json');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
