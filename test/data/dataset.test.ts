import assert from 'node:assert/strict';
import { mkdir, readFile, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { classCounts, matchClasses, openDataset } from '../../src/data/dataset.js';
import { SPLIT_NAMES } from '../../src/data/types.js';
import { DataError } from '../../src/data/errors.js';
import { splitCounts, type SplitRecord } from '../../src/data/split.js';
import { removeDir, tempDir, writeBytes, writeClassFolders, writeImage } from './helpers.js';

let root: string;
before(async () => {
  root = await tempDir();
});
after(async () => removeDir(root));

test('a folder of class folders is split stratified, and the split file reproduces it', async () => {
  const dir = join(root, 'flat');
  await writeClassFolders(dir, { cat: 20, dog: 13, BACKGROUND_Google: 7 });
  await writeBytes(join(dir, 'dog', 'notes.txt'), 'not an image');

  const dataset = await openDataset(dir);
  assert.equal(dataset.layout, 'class-per-folder');
  assert.deepEqual(dataset.classNames, ['BACKGROUND_Google', 'cat', 'dog']);
  const counts = classCounts(dataset);
  [7, 20, 13].forEach((n, label) => {
    const expected = splitCounts(n, { train: 0.7, val: 0.15, test: 0.15 });
    assert.equal(counts.train[label], expected.train);
    assert.equal(counts.val[label], expected.val);
    assert.equal(counts.test[label], expected.test);
  });

  const dropped = await openDataset(dir, { dropBackground: true });
  assert.deepEqual(dropped.classNames, ['cat', 'dog']);
  assert.equal(dropped.splits.train.length + dropped.splits.val.length + dropped.splits.test.length, 33);

  // First run writes the split; a run with another seed but the same file gets the recorded split.
  const splitFile = join(root, 'run', 'split.json');
  const first = await openDataset(dir, { splitFile, seed: 1 });
  const record = JSON.parse(await readFile(splitFile, 'utf8')) as SplitRecord;
  assert.equal(record.seed, 1);
  assert.equal(record.counts.train, first.splits.train.length);
  assert.ok(
    record.files.test.every(([path]) => !path.startsWith('/')),
    'paths are relative to the data root',
  );
  const second = await openDataset(dir, { splitFile, seed: 2 });
  assert.deepEqual(second.splits, first.splits);
  assert.match(second.notes.join('\n'), /split read from/);
  const fresh = await openDataset(dir, { seed: 2 });
  assert.notDeepEqual(fresh.splits.test, first.splits.test);
});

test('a split file that no longer matches the folder is a clear error', async () => {
  const dir = join(root, 'changing');
  await writeClassFolders(dir, { a: 6, b: 6 });
  const splitFile = join(root, 'changing-split.json');
  const dataset = await openDataset(dir, { splitFile });
  await rm(dataset.splits.test[0].path);
  await assert.rejects(openDataset(dir, { splitFile }), /not found in .*delete the split file/);
  await assert.rejects(openDataset(dir, { splitFile, excludeClasses: ['a'] }), /lists classes/);
});

test('train/ val/ test/ folders are read as given, labels shared across splits', async () => {
  const dir = join(root, 'presplit');
  await writeClassFolders(join(dir, 'train'), { '0': 5, '1': 4 });
  await writeClassFolders(join(dir, 'val'), { '0': 2, '1': 2 });
  await writeClassFolders(join(dir, 'test'), { '1': 3 });
  const dataset = await openDataset(dir);
  assert.equal(dataset.layout, 'pre-split');
  assert.deepEqual(dataset.classNames, ['0', '1']);
  assert.deepEqual(classCounts(dataset), { train: [5, 4], val: [2, 2], test: [0, 3] });
  assert.ok(dataset.splits.test.every((s) => s.label === 1 && s.path.includes(join('test', '1'))));
  assert.match(dataset.notes.join('\n'), /test\/ has no folder for class 0/);
});

test('without val/, part of train is held out as val', async () => {
  const dir = join(root, 'noval');
  await writeClassFolders(join(dir, 'train'), { a: 20, b: 20 });
  await writeClassFolders(join(dir, 'test'), { a: 2, b: 2 });
  const dataset = await openDataset(dir, { valFromTrain: 0.25 });
  assert.deepEqual(classCounts(dataset), { train: [15, 15], val: [5, 5], test: [2, 2] });
});

test('missing, empty and class-less folders are clear errors', async () => {
  await assert.rejects(
    openDataset(join(root, 'nowhere')),
    (e: Error) => e instanceof DataError && /does not exist/.test(e.message),
  );
  await mkdir(join(root, 'empty'));
  await assert.rejects(openDataset(join(root, 'empty')), /no class folders/);
  await writeClassFolders(join(root, 'emptyclass'), { a: 3 });
  await mkdir(join(root, 'emptyclass', 'b'));
  await assert.rejects(openDataset(join(root, 'emptyclass')), /'b' contains no images/);
  await writeImage(join(root, 'afile.jpg'), 1);
  await assert.rejects(openDataset(join(root, 'afile.jpg')), /is not a directory/);
  await writeClassFolders(join(root, 'unknownval', 'train'), { a: 3 });
  await writeClassFolders(join(root, 'unknownval', 'val'), { a: 1, z: 1 });
  await assert.rejects(openDataset(join(root, 'unknownval')), /class z that train\/ does not/);
});

test('a folder holding only test/<class> folders is that split, not one class named test', async () => {
  const dir = join(root, 'lonetest');
  await writeClassFolders(join(dir, 'test'), { '0': 3, '1': 2 });
  const dataset = await openDataset(dir);
  assert.equal(dataset.layout, 'pre-split');
  assert.deepEqual(dataset.classNames, ['0', '1']);
  assert.deepEqual(classCounts(dataset), { train: [0, 0], val: [0, 0], test: [3, 2] });
});

test('linked class and split folders are followed; a link to a folder containing the data is an error', async () => {
  const elsewhere = join(root, 'elsewhere');
  await writeClassFolders(elsewhere, { cat: 3, dog: 2 });
  const dir = join(root, 'linked');
  await writeClassFolders(dir, { bird: 2 });
  await symlink(join(elsewhere, 'cat'), join(dir, 'cat'));
  await symlink(join(elsewhere, 'dog'), join(dir, 'dog'));
  const dataset = await openDataset(dir);
  assert.deepEqual(dataset.classNames, ['bird', 'cat', 'dog']);
  assert.equal(
    SPLIT_NAMES.reduce((n, s) => n + dataset.splits[s].length, 0),
    7,
  );

  const split = join(root, 'linkedsplit');
  await mkdir(split);
  await symlink(elsewhere, join(split, 'test'));
  assert.deepEqual(classCounts(await openDataset(split)).test, [3, 2]);

  const loop = join(root, 'loop');
  await writeClassFolders(loop, { a: 2 });
  await symlink(loop, join(loop, 'b'));
  await assert.rejects(
    openDataset(loop),
    (e: Error) => e instanceof DataError && /is a link to .*which contains .*itself/.test(e.message),
  );
});

test('matchClasses renumbers labels by class name and names a missing or extra class', async () => {
  const dir = join(root, 'tomatch');
  await writeClassFolders(join(dir, 'test'), { b: 1, c: 2 });
  const matched = matchClasses(await openDataset(dir), ['c', 'b']);
  assert.deepEqual(matched.classNames, ['c', 'b']);
  assert.deepEqual(
    matched.splits.test.map((s) => [s.path.includes(join('test', 'c')) ? 'c' : 'b', s.label]),
    [
      ['b', 1],
      ['c', 0],
      ['c', 0],
    ],
  );
  assert.throws(
    () => matchClasses(matched, ['a', 'b', 'c']),
    (e: Error) => e instanceof DataError && /no folder for the model's class\(es\) a/.test(e.message),
  );
  assert.throws(
    () => matchClasses(matched, ['b']),
    (e: Error) =>
      e instanceof DataError && /class folder\(s\) c that the model was not trained on/.test(e.message),
  );
});
