// The record of one finished (or partly finished) training run: what `pareto-edge train` writes into
// run.json and what experiments, the Pareto analysis and the report read. Byte counts are bytes,
// times are seconds unless the name says Ms, accuracies are fractions in [0, 1].
import type { SkippedImages } from '../data/index.js';
import type { EpochRecord, LatencyStats } from '../measure/index.js';

/** How a run is named in an experiment and its report: id "<dataset>/<setting>/<model>". */
export interface RunIdentity {
  /** Unique within an experiment, e.g. "pcb/scratch/xception-lite". */
  id: string;
  /** The data set's name as tables show it (an experiment's dataset key, e.g. "pcb"). */
  dataset: string;
  /** "scratch" (not pre-trained) or "pretrained" (initialised from another run). */
  setting: 'scratch' | 'pretrained';
}

export interface RunSummary extends RunIdentity {
  model: string;
  inputSize: number;
  batchSize: number;
  epochs: number;
  /** Early stopping ended the run before its configured epochs. Absent in older runs. */
  stoppedEarly?: boolean;
  classes: string[];
  params: { total: number; trainable: number; nonTrainable: number };
  final: { trainAcc: number; valAcc: number; testAcc: number | null; testLoss: number | null };
  /**
   * Set when BatchNorm's statistics were re-estimated from `images` training images after the last
   * epoch (config.recalibrateBatchNorm): valAcc, testAcc and the saved weights use them (valAcc in runs
   * before 2026-11-30 was the last epoch's, with the moving statistics). Absent in older runs.
   */
  batchNormRecalibration?: { layers: number; images: number } | null;
  /** Images left out because they could not be read (train, val, test). Absent in older runs. */
  skippedImages?: SkippedImages;
  memory: { peakTensorBytes: number; peakRssBytes: number; meanRssBytes: number; paperAvgMemBytes: number };
  time: { meanEpochS: number; totalS: number };
  /**
   * Inference latency of the training graph (BatchNorm as its own op) on random inputs; `folded`: the
   * same with BatchNorm folded into the convolutions, as `eval` and `predict` run. Absent in older runs.
   */
  inference: {
    batchSize: number;
    batchMs: LatencyStats;
    imageMs: LatencyStats;
    folded?: { batchMs: LatencyStats; imageMs: LatencyStats };
  };
  history: EpochRecord[];
}
