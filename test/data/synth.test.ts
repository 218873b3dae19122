import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { classCounts, openDataset } from '../../src/data/dataset.js';
import { resolveDataDir } from '../../src/data/resolve.js';
import { DEFECT_TYPES } from '../../src/data/synth/defects.js';
import { VIEW } from '../../src/data/synth/geometry.js';
import { renderPcbSample, writeSyntheticPcb, type SynthManifest } from '../../src/data/synth/generate.js';
import { fitLogistic, meanBrightness, meanColour, pcbFeatures } from './pcb-features.js';
import { removeDir, tempDir } from './helpers.js';

let root: string;
before(async () => {
  root = await tempDir();
});
after(async () => removeDir(root));

test('a seed always renders the same image; another seed another one', () => {
  const a = renderPcbSample(17, { defect: 'short', size: 48 });
  const b = renderPcbSample(17, { defect: 'short', size: 48 });
  const c = renderPcbSample(18, { defect: 'short', size: 48 });
  assert.deepEqual(a.pixels, b.pixels);
  assert.notDeepEqual(a.pixels, c.pixels);
  assert.equal(a.pixels.length, 48 * 48 * 3);
});

test('each defect is a small local change: the clean board of the same seed differs only near it', () => {
  const size = 96;
  for (const type of DEFECT_TYPES) {
    let compared = 0;
    for (let seed = 0; compared < 6; seed++) {
      const defective = renderPcbSample(seed, { defect: type, size });
      const clean = renderPcbSample(seed, { defect: null, siteFor: type, size });
      assert.equal(clean.layoutRetries, defective.layoutRetries);
      const at = defective.defect!.at;
      const [cx, cy] = [(at.x * size) / VIEW, (at.y * size) / VIEW];
      assert.ok(
        cx > size * 0.2 && cx < size * 0.8 && cy > size * 0.2 && cy < size * 0.8,
        `${type} is central`,
      );
      let changed = 0;
      let farthest = 0;
      for (let i = 0; i < size * size; i++) {
        const d = Math.max(
          ...[0, 1, 2].map((c) => Math.abs(defective.pixels[i * 3 + c] - clean.pixels[i * 3 + c])),
        );
        if (d === 0) continue;
        changed++;
        farthest = Math.max(farthest, Math.hypot((i % size) - cx, Math.floor(i / size) - cy));
      }
      // Salient (a CNN must see it at 64×64) but local: at least ~30 px, at most 4 % of the image.
      assert.ok(changed > 25, `${type} (seed ${seed}) changes enough to be seen: ${changed} px`);
      assert.ok(changed < size * size * 0.04, `${type} (seed ${seed}) is small: ${changed} px`);
      assert.ok(farthest < 16, `${type} (seed ${seed}) is local: ${farthest.toFixed(1)} px from its centre`);
      compared++;
    }
  }
});

test('bare copper is a cue, not the answer: most copper defects tear the mask, clean boards show bare copper too', () => {
  const size = 64;
  // Pixels clearly redder than green: bare copper (or a gold finish), never green mask.
  const reddish = (rgb: Uint8Array) => {
    let n = 0;
    for (let i = 0; i < rgb.length; i += 3) if (rgb[i] - rgb[i + 1] > 30) n++;
    return n;
  };
  const copperTypes = DEFECT_TYPES.filter((type) => type !== 'missing_hole');
  let exposed = 0;
  let cleanReddish = 0;
  const n = 120;
  for (let seed = 0; seed < n; seed++) {
    const type = copperTypes[seed % copperTypes.length];
    const defective = renderPcbSample(seed, { defect: type, size });
    if (defective.defect!.exposed.length > 0) exposed++;
    const clean = renderPcbSample(seed, { defect: null, siteFor: type, size });
    if (reddish(clean.pixels) >= 12) cleanReddish++;
  }
  assert.ok(
    exposed / n > 0.7 && exposed / n < 0.9,
    `share of copper defects with bare copper: ${exposed / n}`,
  );
  assert.ok(
    cleanReddish / n > 0.2,
    `share of clean boards with bare-copper-coloured pads: ${cleanReddish / n}`,
  );
});

test('the writer makes a pre-split folder with balanced classes, a manifest, and equal defect shares', async () => {
  const dir = join(root, 'binary');
  const manifest = await writeSyntheticPcb(dir, {
    task: 'binary',
    size: 40,
    counts: { train: 24, val: 12, test: 13 },
    seed: 3,
  });
  const dataset = await openDataset(dir);
  assert.equal(dataset.layout, 'pre-split');
  assert.deepEqual(dataset.classNames, ['0_no_defect', '1_defect']);
  assert.deepEqual(classCounts(dataset), { train: [12, 12], val: [6, 6], test: [7, 6] });
  const written = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as SynthManifest;
  assert.deepEqual(written, manifest);
  const trainDefects = manifest.files
    .filter((f) => f.path.startsWith('train/1_defect/'))
    .map((f) => f.defect);
  for (const type of DEFECT_TYPES) assert.equal(trainDefects.filter((t) => t === type).length, 2);
  assert.ok(
    manifest.files
      .filter((f) => f.className === '0_no_defect')
      .every((f) => f.defect === null && f.at === null),
  );
  const meta = await sharp(join(dir, manifest.files[0].path)).metadata();
  assert.deepEqual([meta.width, meta.height, meta.format], [40, 40, 'png']);

  const six = join(root, 'six');
  await writeSyntheticPcb(six, {
    task: 'six-class',
    size: 32,
    counts: { train: 12, val: 6, test: 6 },
    seed: 3,
  });
  const sixSet = await openDataset(six);
  assert.deepEqual(sixSet.classNames, [...DEFECT_TYPES]);
  assert.deepEqual(classCounts(sixSet).train, [2, 2, 2, 2, 2, 2]);
  await assert.rejects(
    writeSyntheticPcb(join(root, 'bad'), {
      task: 'six-class',
      size: 32,
      counts: { train: 3, val: 6, test: 6 },
      seed: 1,
    }),
    /at least 6/,
  );
  assert.deepEqual(
    await readdir(root).then((names) => names.filter((n) => n.startsWith('bad'))),
    [],
    'nothing left behind',
  );
});

test("'synthetic-pcb' resolves to a generated set once, then reuses it", async () => {
  const cacheDir = join(root, 'cache');
  const synth = { size: 32, counts: { train: 6, val: 2, test: 2 } };
  const dir = await resolveDataDir('synthetic-pcb', { cacheDir, synth, quiet: true });
  const manifest = await readFile(join(dir, 'manifest.json'));
  const again = await resolveDataDir('synthetic-pcb', { cacheDir, synth, quiet: true });
  assert.equal(again, dir);
  assert.deepEqual(await readFile(join(again, 'manifest.json')), manifest);
  const six = await resolveDataDir('synthetic-pcb:six-class', {
    cacheDir,
    synth: { ...synth, counts: { train: 6, val: 6, test: 6 } },
    quiet: true,
  });
  assert.notEqual(six, dir);
  assert.deepEqual((await openDataset(six)).classNames, [...DEFECT_TYPES]);
  const counted = await resolveDataDir('synthetic-pcb:binary:8,4,2', { cacheDir, synth, quiet: true });
  const splits = (await openDataset(counted)).splits;
  assert.deepEqual([splits.train.length, splits.val.length, splits.test.length], [8, 4, 2]);
  await assert.rejects(resolveDataDir('synthetic-pcb:ten-class', { cacheDir }), /unknown part 'ten-class'/);
  await assert.rejects(resolveDataDir('synthetic-pcb:8,4', { cacheDir }), /synthetic-pcb:2400,200,200/);
  await assert.rejects(resolveDataDir('caltech101', { cacheDir }), /data fetch caltech101.*--data DIR/);
});

test('--defect-scale draws the same defect k times larger around the same place; the clean boards stay the same', async () => {
  const size = 96;
  for (const type of DEFECT_TYPES) {
    const changedPixels = (scale: number): { count: number; at: { x: number; y: number } } => {
      const defective = renderPcbSample(3, { defect: type, size, defectScale: scale });
      const clean = renderPcbSample(3, { defect: null, siteFor: type, size, defectScale: scale });
      let count = 0;
      for (let i = 0; i < size * size * 3; i++) if (defective.pixels[i] !== clean.pixels[i]) count++;
      return { count, at: defective.defect!.at };
    };
    const realistic = changedPixels(1);
    const bold = changedPixels(3);
    assert.deepEqual(bold.at, realistic.at, `${type} stays where it was`);
    assert.ok(
      bold.count > realistic.count * 3,
      `${type}: ${bold.count} vs ${realistic.count} changed values`,
    );
  }
  const clean = (scale: number): Uint8Array =>
    renderPcbSample(5, { defect: null, siteFor: 'short', size, defectScale: scale }).pixels;
  assert.deepEqual(clean(3), clean(1));

  const cacheDir = join(root, 'bold-cache');
  const synth = { size: 32, counts: { train: 6, val: 2, test: 2 } };
  const realisticDir = await resolveDataDir('synthetic-pcb', { cacheDir, synth, quiet: true });
  const boldDir = await resolveDataDir('synthetic-pcb:defect-scale=3', { cacheDir, synth, quiet: true });
  assert.notEqual(boldDir, realisticDir);
  assert.match(realisticDir, /binary-32px-6-2-2-seed7-v\d+$/, 'the realistic set keeps its cache name');
  const manifest = JSON.parse(await readFile(join(boldDir, 'manifest.json'), 'utf8')) as SynthManifest;
  assert.equal(manifest.defectScale, 3);
  await assert.rejects(
    resolveDataDir('synthetic-pcb:defect-scale=9', { cacheDir, synth, quiet: true }),
    /defect scale 9 is out of range: use a factor from 1 \(realistic\) to 4/,
  );
});

test('learnable, not trivially: simple local features beat chance clearly, mean brightness and colour do not', (t) => {
  const size = 96;
  // Same recipe as the set writer: clean boards get a phantom defect type so layouts match.
  const make = (count: number, offset: number) =>
    Array.from({ length: count }, (_, i) => {
      const label = i % 2;
      const type = DEFECT_TYPES[(i >> 1) % DEFECT_TYPES.length];
      const sample = renderPcbSample(offset + i, { defect: label ? type : null, siteFor: type, size });
      return { pixels: sample.pixels, label, type };
    });
  const train = make(300, 0);
  const testSet = make(200, 1_000_000);
  const accuracy = (features: (rgb: Uint8Array) => number[]) => {
    const predict = fitLogistic(
      train.map((s) => features(s.pixels)),
      train.map((s) => s.label),
    );
    return testSet.filter((s) => predict(features(s.pixels)) === s.label).length / testSet.length;
  };
  const local = accuracy((rgb) => pcbFeatures(rgb, size));
  const brightness = accuracy(meanBrightness);
  const colour = accuracy(meanColour);
  t.diagnostic(
    `held-out accuracy: local features ${local}, mean brightness ${brightness}, mean colour ${colour}`,
  );
  // 200 balanced test images: chance is 50 % with a standard error of 3.5 %.
  assert.ok(local >= 0.7, `local features: ${local}`);
  assert.ok(brightness <= 0.58, `mean brightness must not separate the classes: ${brightness}`);
  assert.ok(colour <= 0.58, `mean colour (R, G, B) must not separate the classes: ${colour}`);
});
