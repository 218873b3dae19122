// An experiment: a matrix of models × datasets × settings, each cell one training run in
// EXP_DIR/runs/<dataset>/<setting>/<model>. The paper's two experiments are built-in presets.
import path from 'node:path';
import { DEFAULT_TRAIN_CONFIG, type Freeze, type RunIdentity, type TrainConfig } from '../train/index.js';
import { PAPER_MODELS } from '../zoo/registry.js';
import { isModelFile } from '../zoo/model-file.js';

export interface ExperimentSpec {
  models: string[];
  /** Dataset name (as shown in tables) → data spec (a folder, synthetic-pcb, caltech101). */
  datasets: Record<string, string>;
  /** 'scratch' always; 'pretrained' needs pretrainedFrom. */
  settings: ('scratch' | 'pretrained')[];
  /** An experiment directory whose runs (same model, any dataset) initialise the pre-trained setting. */
  pretrainedFrom: string | null;
  /** Which dataset of pretrainedFrom to take weights from (its first dataset when null). */
  pretrainedDataset: string | null;
  /**
   * What the pre-trained setting leaves untrained. The paper's code freezes every layer but the new
   * head ('backbone'); 'none' fine-tunes everything. Absent: 'backbone'.
   */
  pretrainedFreeze?: Freeze;
  /** Training settings shared by every run. */
  train: Partial<Omit<TrainConfig, 'model' | 'data' | 'initFrom'>>;
}

/** One cell of the matrix; its identity (id, dataset, setting) is what run.json and the report show. */
export interface PlannedRun extends RunIdentity {
  dir: string;
  config: TrainConfig;
}

export interface Preset {
  description: string;
  spec: Omit<ExperimentSpec, 'pretrainedFrom'>;
  /** Data the preset needs that the user must point at with --data (null: it has a default). */
  needsData: string | null;
}

export const PRESETS: Record<string, Preset> = {
  demo: {
    description:
      'the four paper models from scratch, 5 epochs at 64×64 on 1,600 generated PCB boards with bold defects (about five minutes on 2 cores)',
    spec: {
      models: [...PAPER_MODELS],
      datasets: { 'synthetic-pcb': 'synthetic-pcb:binary:1600,200,400:defect-scale=4' },
      settings: ['scratch'],
      pretrainedDataset: null,
      // A short run from scratch, the same for every model, that every model learns (README, "What the
      // demo shows"). With realistic defect sizes the Xception pair learns the boards in 5 epochs but
      // MobileNetV2 memorises them (88% train, 58–63% test whatever the learning rate, data size or
      // input size), so the demo's defects are drawn four times larger. Flips are the augmentation:
      // lossless for a board seen from above, and they keep MobileNetV2 from memorising; the paper's
      // rotations blur the defects. Batch 32 with twice Keras' learning rate: at 64 px a step costs
      // little more at 32 images than at 16, so the same five epochs take about 30% less time.
      // BatchNorm's moving statistics (Keras' momentum 0.99, MobileNetV2's 0.999) are still mostly
      // their initial values after a few hundred steps, which alone puts a model at chance: they are
      // re-estimated from the training images before testing.
      train: {
        epochs: 5,
        inputSize: 64,
        batchSize: 32,
        learningRate: 0.002,
        augment: 'flips',
        schedule: { kind: 'cosine', minLearningRate: 0 },
        recalibrateBatchNorm: true,
        latencyIterations: 10,
      },
    },
    needsData: null,
  },
  caltech101: {
    description: "the paper's Experiment 1: Caltech-101 (101 classes, background dropped), from scratch",
    spec: {
      models: [...PAPER_MODELS],
      datasets: { caltech101: 'caltech101' },
      settings: ['scratch'],
      pretrainedDataset: null,
      train: { epochs: 15, inputSize: 64, batchSize: 16, dropBackground: true },
    },
    needsData: null,
  },
  pcb: {
    description:
      "the paper's Experiment 2: binary PCB defects, not pre-trained and pre-trained on Experiment 1's runs (--pretrained-from)",
    spec: {
      models: [...PAPER_MODELS],
      datasets: { pcb: '' },
      settings: ['scratch', 'pretrained'],
      pretrainedDataset: 'caltech101',
      pretrainedFreeze: 'backbone',
      train: { epochs: 15, inputSize: 64, batchSize: 16 },
    },
    needsData: 'the PCB defect folder (train/, val/, test/ with one folder per label)',
  },
};

export function runDirFor(expDir: string, dataset: string, setting: string, model: string): string {
  return path.join(expDir, 'runs', dataset, setting, runNameOf(model));
}

/** A zoo model's name, or a description file's name without .json (front/3.json -> "3"). */
function runNameOf(model: string): string {
  return isModelFile(model) ? path.basename(model, '.json') : model;
}

/** Expands a spec into runs: pre-trained runs come after the from-scratch ones of the same dataset. */
export function planRuns(spec: ExperimentSpec, expDir: string): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (const [dataset, data] of Object.entries(spec.datasets)) {
    for (const setting of spec.settings) {
      for (const model of spec.models) {
        const pretrained = setting === 'pretrained';
        const initFrom = pretrained
          ? runDirFor(spec.pretrainedFrom!, spec.pretrainedDataset ?? dataset, 'scratch', model)
          : null;
        const freeze: Freeze = pretrained ? (spec.pretrainedFreeze ?? 'backbone') : 'none';
        runs.push({
          id: `${dataset}/${setting}/${runNameOf(model)}`,
          dataset,
          setting,
          dir: runDirFor(expDir, dataset, setting, model),
          config: { ...DEFAULT_TRAIN_CONFIG, ...spec.train, model, data, initFrom, freeze },
        });
      }
    }
  }
  return runs;
}
