// Fake experiments for the report's tests: RunSummary values built here, laid out the way
// `pareto-edge compare` lays them out (EXP_DIR/runs/<dataset>/<setting>/<model>/run.json).
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EpochRecord } from '../../src/measure/index.js';
import type { RunSummary } from '../../src/train/run-summary.js';

export interface RunShape {
  model: string;
  dataset: string;
  setting?: RunSummary['setting'];
  trainAcc: number;
  testAcc: number | null;
  /** Peak tensor memory in MB (10⁶ bytes). */
  memoryMb: number;
  epochS: number;
  inferenceMs: number;
  params: number;
  epochs?: number;
}

/** A run whose history climbs to its final accuracy and whose memory settles at its peak. */
export function fakeRun(shape: RunShape): RunSummary {
  const setting = shape.setting ?? 'scratch';
  const epochs = shape.epochs ?? 3;
  const peakTensorBytes = Math.round(shape.memoryMb * 1e6);
  const history: EpochRecord[] = Array.from({ length: epochs }, (_, index) => {
    const progress = (index + 1) / epochs;
    return {
      epoch: index + 1,
      loss: 2 * (1 - progress) + 0.1,
      acc: shape.trainAcc * progress,
      valAcc: (shape.testAcc ?? shape.trainAcc * 0.8) * progress,
      valLoss: 2.2 * (1 - progress) + 0.2,
      learningRate: 1e-3,
      timeS: shape.epochS * (index === 0 ? 1.1 : 0.95),
      imagesPerS: 100,
      peakTensorBytes: Math.round(peakTensorBytes * (index === 0 ? 1 : 0.97)),
      peakRssBytes: peakTensorBytes + 400e6,
      meanRssBytes: peakTensorBytes + 350e6,
      paperMemBytes: peakTensorBytes + 3000e6,
      cpuUtilization: 1.9,
      energyJ: null,
    };
  });
  return {
    id: `${shape.dataset}/${setting}/${shape.model}`,
    model: shape.model,
    dataset: shape.dataset,
    setting,
    inputSize: 64,
    batchSize: 16,
    epochs,
    classes: ['defect', 'ok'],
    params: { total: shape.params, trainable: shape.params - 1000, nonTrainable: 1000 },
    final: { trainAcc: shape.trainAcc, valAcc: shape.trainAcc * 0.9, testAcc: shape.testAcc, testLoss: 0.5 },
    memory: {
      peakTensorBytes,
      peakRssBytes: peakTensorBytes + 400e6,
      meanRssBytes: peakTensorBytes + 350e6,
      paperAvgMemBytes: peakTensorBytes + 3000e6,
    },
    time: { meanEpochS: shape.epochS, totalS: shape.epochS * epochs },
    inference: {
      batchSize: 16,
      batchMs: { median: shape.inferenceMs, p95: shape.inferenceMs * 1.2 },
      imageMs: { median: shape.inferenceMs / 16, p95: (shape.inferenceMs * 1.2) / 16 },
    },
    history,
  };
}

/** The paper's four models on its numbers (Tables 1 and 2), test accuracy and memory as published. */
export function paperRuns(): RunSummary[] {
  const row = (
    model: string,
    dataset: string,
    setting: RunSummary['setting'],
    values: [number, number, number, number, number, number],
  ): RunSummary => {
    const [params, trainAcc, testAcc, memoryMb, epochS, inferenceMs] = values;
    return fakeRun({ model, dataset, setting, params, trainAcc, testAcc, memoryMb, epochS, inferenceMs });
  };
  return [
    row('xception-lite', 'caltech101', 'scratch', [15_834_933, 0.9616, 0.7621, 847.9, 523.88, 465]),
    row('xception', 'caltech101', 'scratch', [21_068_429, 0.9695, 0.7589, 874.6, 702.19, 520]),
    row('efficientnet-v2-b1', 'caltech101', 'scratch', [7_060_505, 0.9332, 0.3053, 823.0, 381.44, 383]),
    row('mobilenet-v2', 'caltech101', 'scratch', [2_387_365, 0.9079, 0.5811, 838.6, 301.12, 306]),
    row('xception-lite', 'pcb', 'scratch', [15_834_933, 0.9781, 0.903, 865.8, 500, 465]),
    row('xception', 'pcb', 'scratch', [21_068_429, 0.9766, 0.881, 893.6, 690, 519]),
    row('efficientnet-v2-b1', 'pcb', 'scratch', [7_060_505, 0.8887, 0.5525, 874.8, 370, 346]),
    row('mobilenet-v2', 'pcb', 'scratch', [2_387_365, 0.9613, 0.505, 849.4, 290, 295]),
    row('xception-lite', 'pcb', 'pretrained', [15_834_933, 0.7071, 0.698, 833.7, 480, 446]),
    row('xception', 'pcb', 'pretrained', [21_068_429, 0.7084, 0.71, 831.5, 650, 509]),
    row('efficientnet-v2-b1', 'pcb', 'pretrained', [7_060_505, 0.6596, 0.674, 828.7, 360, 335]),
    row('mobilenet-v2', 'pcb', 'pretrained', [2_387_365, 0.6789, 0.6905, 818.2, 280, 295]),
  ];
}

export async function temporaryDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `pareto-edge-${prefix}-`));
}

/** Writes runs (and optional raw run.json contents for odd cases) into a new experiment directory. */
export async function writeExperiment(
  runs: readonly RunSummary[],
  extra: Readonly<Record<string, string>> = {},
): Promise<string> {
  const dir = await temporaryDir('exp');
  for (const run of runs) {
    const runDir = join(dir, 'runs', run.dataset, run.setting, run.model);
    await mkdir(runDir, { recursive: true });
    await writeFile(join(runDir, 'run.json'), JSON.stringify({ summary: run }, null, 2));
    const header = 'epoch,loss,acc,val_loss,val_acc\n';
    await writeFile(
      join(runDir, 'history.csv'),
      header + run.history.map((r) => `${r.epoch},${r.loss},${r.acc},${r.valLoss},${r.valAcc}`).join('\n'),
    );
  }
  for (const [path, text] of Object.entries(extra)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}
