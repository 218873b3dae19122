// Shared by the export tests: real images (the PCB test split, or a few of its images, in ../shared/datasets when this
// machine has it, generated PCB images otherwise) and zoo models with trained-looking weights.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLoader, openDataset, resolveDataDir, type Batch, type Sample } from '../../src/data/index.js';
import { manualSeed, noGrad, rand, randn } from '../../src/engine/index.js';
import { buildModel, type DescribedModel } from '../../src/models/index.js';
import { BatchNormalization } from '../../src/nn/index.js';
import { describeModel } from '../../src/zoo/index.js';
import { sharedDatasets } from '../data/helpers.js';

export const INPUT = 64;

/** Where the test images come from: the real PCB set when this machine has it, generated otherwise. */
async function withTestSplit<T>(use: (samples: Sample[], source: string) => Promise<T>): Promise<T> {
  const pcb = join(sharedDatasets(), 'pcb-defects');
  let dir = pcb;
  let cleanup: string | null = null;
  let source = `real PCB images from ${pcb}`;
  if (!existsSync(pcb)) {
    cleanup = await mkdtemp(join(tmpdir(), 'pe-export-'));
    dir = await resolveDataDir('synthetic-pcb:8,4,8', { cacheDir: cleanup, quiet: true });
    source = `generated synthetic-pcb images: ${pcb} is absent (the shared data sets are not on this machine)`;
  }
  try {
    return await use((await openDataset(dir)).splits.test, source);
  } finally {
    if (cleanup) await rm(cleanup, { recursive: true, force: true });
  }
}

/** `count` test images at INPUT px (both classes), as the evaluation loader makes them. */
export async function testImages(count: number): Promise<{ batch: Batch; source: string }> {
  return withTestSplit(async (test, source) => {
    const step = Math.max(1, Math.floor(test.length / count));
    const samples = test.filter((_, i) => i % step === 0).slice(0, count);
    const loader = await createLoader(samples, { batchSize: count, inputSize: INPUT, workers: 0 });
    for await (const batch of loader.epoch(0)) return { batch, source };
    throw new Error(`no readable test images in ${source}`);
  });
}

/** The whole test split at INPUT px in batches of `batchSize`, decoded once and kept in memory. */
export async function testSplit(
  batchSize: number,
): Promise<{ batches: Batch[]; images: number; source: string }> {
  return withTestSplit(async (test, source) => {
    const loader = await createLoader(test, { batchSize, inputSize: INPUT, workers: 0 });
    const batches: Batch[] = [];
    for await (const batch of loader.epoch(0)) batches.push(batch);
    return { batches, images: test.length, source };
  });
}

/**
 * A zoo model in inference mode with seeded random weights and BatchNorm parameters and statistics
 * drawn away from 1 and 0, so folding them into the convolutions has something to fold. Scales
 * around 0.6 and offsets of 0.1 keep activations, and the logits, of a readable size through every
 * residual stage. Not moving statistics measured on images: a random network has dead channels,
 * where BatchNorm divides by sqrt(epsilon) and multiplies float32 rounding by ~32 layer after layer
 * (measured: |Δlogit| up to 2e-3 on MobileNetV2), which would test that chaos rather than the export.
 */
export function seededModel(name: string, numClasses: number, inputSize = INPUT): DescribedModel {
  manualSeed(7);
  const model = buildModel(describeModel(name, { numClasses, inputSize }));
  noGrad(() => {
    for (const [, module] of model.namedModules()) {
      if (!(module instanceof BatchNormalization)) continue;
      const c = module.channels;
      module.weight.copy_(randn([c]).mul(0.1).add(0.6));
      module.bias.copy_(randn([c]).mul(0.1));
      module.runningMean.copy_(randn([c]).mul(0.1));
      module.runningVar.copy_(rand([c]).add(0.5));
    }
  });
  return model.eval();
}
