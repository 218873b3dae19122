// The record of one finished (or partly finished) training run: what `pareto-edge train` writes into
// run.json and what experiments, the Pareto analysis and the report read. Byte counts are bytes,
// times are seconds unless the name says Ms, accuracies are fractions in [0, 1].

/** One row of history.csv: the paper's columns (Epoch, Loss, Acc, Val_acc, Mem_Use, Time) and ours. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  acc: number;
  valLoss: number;
  valAcc: number;
  learningRate: number;
  /** Wall time of the epoch's training pass, seconds (the paper's Time). */
  timeS: number;
  imagesPerS: number;
  /** Peak bytes of live tensor memory during the epoch, from the engine's counting allocator. */
  peakTensorBytes: number;
  /** Peak and mean resident set size of the process, sampled from /proc while training. */
  peakRssBytes: number;
  meanRssBytes: number;
  /** The paper's figure: whole-system used RAM read once at the end of the epoch (like jtop). */
  paperMemBytes: number;
  /** Process CPU time over wall time (1.0 = one core busy). */
  cpuUtilization: number;
  /** Energy over the epoch from powercap/RAPL, or null where the machine exposes none. */
  energyJ: number | null;
}

export interface LatencyStats {
  median: number;
  p95: number;
}

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
   * epoch (config.recalibrateBatchNorm): testAcc and the saved weights use them. Absent in older runs.
   */
  batchNormRecalibration?: { layers: number; images: number } | null;
  memory: { peakTensorBytes: number; peakRssBytes: number; meanRssBytes: number; paperAvgMemBytes: number };
  time: { meanEpochS: number; totalS: number };
  inference: { batchSize: number; batchMs: LatencyStats; imageMs: LatencyStats };
  history: EpochRecord[];
}
