import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { checkDataset } from '../../src/data/check/check-dataset.js';
import { formatCheckReport } from '../../src/data/check/format.js';
import { fingerprint, hamming, lowDct, pHashVariants } from '../../src/data/check/phash.js';
import { writeSyntheticPcb } from '../../src/data/synth/generate.js';
import { removeDir, tempDir, writeImage } from './helpers.js';

let root: string;
before(async () => {
  root = await tempDir();
});
after(async () => removeDir(root));

test('the pHash variants of an image are the pHashes of its flipped and turned copies', async () => {
  const file = join(root, 'asym.png');
  await writeImage(file, 5, { width: 40, height: 40, format: 'png' });
  const base = await fingerprint(file);
  const copies: [string, sharp.Sharp][] = [
    ['flipped left-right', sharp(file).flop()],
    ['flipped up-down', sharp(file).flip()],
    ['rotated 180°', sharp(file).rotate(180)],
  ];
  const names = ['same', 'flipped left-right', 'flipped up-down', 'rotated 180°'];
  for (const [name, image] of copies) {
    const copy = await fingerprint(await image.png().toBuffer());
    const variant = base.pHash[names.indexOf(name)];
    assert.ok(hamming(copy.pHash[0], variant) <= 2, `${name}: ${hamming(copy.pHash[0], variant)}`);
    assert.ok(hamming(copy.pHash[0], base.pHash[0]) > 8, `${name} is not simply the same hash`);
  }
  // Transposing the coefficients matches transposing the pixels.
  const grey = new Float64Array(32 * 32).map((_, i) => (i % 32) * 3 + Math.floor(i / 32) * (i % 7));
  const transposed = new Float64Array(32 * 32).map((_, i) => grey[(i % 32) * 32 + Math.floor(i / 32)]);
  assert.deepEqual(pHashVariants(lowDct(transposed))[0], pHashVariants(lowDct(grey))[4]);
});

test('check counts classes, lists unreadable files and finds copies across splits, flipped or not', async () => {
  const dir = join(root, 'set');
  await writeSyntheticPcb(dir, {
    task: 'binary',
    size: 40,
    counts: { train: 16, val: 6, test: 6 },
    seed: 11,
  });
  // Plant leaks: an exact copy of a train image in test, a mirrored copy in val, with the same label.
  const trainImage = join(dir, 'train', '1_defect', 'train_1_defect_00003.png');
  await copyFile(trainImage, join(dir, 'test', '1_defect', 'copied.png'));
  await sharp(trainImage)
    .flop()
    .toFile(join(dir, 'val', '1_defect', 'mirrored.png'));
  await writeFile(join(dir, 'val', '0_no_defect', 'broken.png'), 'not a png');

  const report = await checkDataset(dir, { threshold: 4 });
  assert.deepEqual(report.totals, { train: 16, val: 8, test: 7 });
  assert.deepEqual(report.counts.val, { '0_no_defect': 4, '1_defect': 4 });
  assert.equal(report.unreadable.length, 1);
  assert.match(report.unreadable[0].path, /broken\.png$/);
  assert.deepEqual(report.images.width, { min: 40, median: 40, max: 40 });
  assert.deepEqual(report.images.formats, { png: 30 });

  const leak = (split: string, other: string) =>
    report.duplicates.leaks.find((l) => l.split === split && l.otherSplit === other)!;
  assert.equal(leak('test', 'train').withDuplicate, 1);
  assert.equal(leak('test', 'train').identicalBytes, 1);
  assert.equal(leak('val', 'train').withDuplicate, 1);
  assert.equal(leak('val', 'train').sameLabel, 1);
  assert.equal(leak('test', 'val').withDuplicate, 1, 'the copy in test is the mirror of the one in val');
  const mirrored = report.duplicates.examples.find((p) => p.path.endsWith('mirrored.png'))!;
  assert.equal(mirrored.transform, 'flipped left-right');
  assert.equal(mirrored.otherPath, join('train', '1_defect', 'train_1_defect_00003.png'));

  const text = formatCheckReport(report);
  assert.match(text, /test → train: 1 of 7 test images \(14\.3%\) have a near-duplicate in train/);
  assert.match(text, /unreadable: val\/0_no_defect\/broken\.png/);

  const strict = await checkDataset(dir, { threshold: 4, dihedral: false });
  assert.equal(
    strict.duplicates.leaks.find((l) => l.split === 'val' && l.otherSplit === 'train')!.withDuplicate,
    0,
  );
});

test('check names a FIFO and a link to one among the images as unreadable, without waiting on them', async () => {
  const dir = join(root, 'pipes');
  for (const name of ['a', 'b']) {
    await writeImage(join(dir, name, `${name}1.png`), 1, { format: 'png' });
    await writeImage(join(dir, name, `${name}2.png`), 2, { format: 'png' });
  }
  execFileSync('mkfifo', [join(dir, 'a', 'pipe.jpg')]);
  await symlink(join(dir, 'a', 'pipe.jpg'), join(dir, 'b', 'link.jpg'));
  const report = await checkDataset(dir);
  assert.equal(report.images.total, 6);
  assert.deepEqual(report.unreadable.map((u) => [u.path, u.reason]).sort(), [
    [join('a', 'pipe.jpg'), 'not a regular file but a FIFO (named pipe): only image files are read'],
    [join('b', 'link.jpg'), 'not a regular file but a FIFO (named pipe): only image files are read'],
  ]);
});
