// What one training epoch costs: wall time, throughput, live tensor memory, the process's resident
// memory (sampled by a worker thread), the paper's whole-system figure, CPU use and energy.
// docs/measurement.md says what each number means and how it is taken.
import { memoryStats, resetPeakMemory } from '../engine/index.js';
import {
  RssReader,
  readProcessMemoryStatus,
  readSystemMemory,
  resetPeakRss,
  type SystemMemory,
} from './proc.js';
import { DEFAULT_POWERCAP_ROOT, discoverRapl } from './rapl.js';
import { ResourceSampler } from './resource-sampler.js';

/** Where live tensor memory comes from; the engine's counting allocator unless a test says otherwise. */
export interface TensorMemorySource {
  resetPeak(): void;
  stats(): { currentBytes: number; peakBytes: number; cachedBytes: number };
}

const engineTensorMemory: TensorMemorySource = { resetPeak: resetPeakMemory, stats: memoryStats };

export interface EpochMeterOptions {
  /** Milliseconds between resident-memory readings (default 50). */
  sampleIntervalMs?: number;
  /** Measure energy from powercap/RAPL when the machine exposes it (default true). */
  energy?: boolean;
  /** Where to look for RAPL zones (default /sys/class/powercap). */
  powercapRoot?: string;
  /** Reset the kernel's VmHWM at each start() to cross-check the sampled peak (default true). */
  resetKernelPeak?: boolean;
  tensorMemory?: TensorMemorySource;
}

export interface EpochMeasurement {
  /** Wall time between start() and stop(), seconds. */
  timeS: number;
  images: number;
  imagesPerS: number;

  /** Most bytes of live tensors at once during the epoch (weights, gradients, optimizer state, activations). */
  peakTensorBytes: number;
  tensorBytesAtStart: number;
  tensorBytesAtEnd: number;
  /** Freed tensor memory the allocator holds for reuse at the end: resident, but not live. */
  cachedTensorBytesAtEnd: number;

  /** Peak resident set of the process: the larger of the sampled peak and the kernel's VmHWM. */
  peakRssBytes: number;
  /** Which reading peakRssBytes is: VmHWM (reset at start), the worker's samples, or the start/end readings only. */
  peakRssSource: 'VmHWM' | 'sampled' | 'start/end';
  /** The largest of the worker's readings (and the start/end readings). */
  sampledPeakRssBytes: number;
  /** The kernel's high-water mark at stop(); null off Linux. Epoch-specific only if vmHwmReset. */
  vmHwmBytes: number | null;
  vmHwmReset: boolean;
  /** Mean of the readings, taken at a fixed interval: the time-average of the resident set. */
  meanRssBytes: number;
  rssAtStartBytes: number;
  rssAtEndBytes: number;
  rssSamples: number;
  rssSampleIntervalMs: number;
  /** How the resident set was read: /proc/self/statm on Linux, process.memoryUsage.rss() elsewhere. */
  rssSource: 'statm' | 'memoryUsage';

  /** The paper's figure: jtop's whole-system used RAM (MemTotal − MemFree − Buffers − Cached) read once at stop(). */
  paperMemBytes: number;
  /** paperMemBytes / MemTotal: the very number the paper's Mem_Use column holds (see docs/measurement.md). */
  paperMemFraction: number;
  /** MemTotal − MemAvailable at stop(): the kernel's own notion of used memory. */
  systemUsedBytes: number;
  systemTotalBytes: number;

  /** Process CPU time (user + system, all threads) over wall time; 1.0 = one core busy. */
  cpuUtilization: number;
  cpuUserS: number;
  cpuSystemS: number;

  /** Energy of the CPU packages over the epoch from powercap/RAPL; null where not available. */
  energyJ: number | null;
  /** Why energyJ is null, or which zones were summed. */
  energySource: string;

  /** Everything that was unavailable or degraded, in words. */
  notes: string[];
}

/**
 * Measures one epoch at a time: start() before the first batch, stop(images) after the last one (before
 * validation, so time and memory are the training pass's). Reuses one sampler thread across epochs;
 * close() ends it (an unreferenced thread does not keep the process alive either way).
 */
export class EpochMeter {
  private readonly sampler: ResourceSampler;
  private readonly rss = new RssReader();
  private readonly tensorMemory: TensorMemorySource;
  private readonly resetKernelPeak: boolean;
  private readonly energySource: string;
  private readonly energyAvailable: boolean;
  private period: {
    wallStart: bigint;
    cpuStart: NodeJS.CpuUsage;
    tensorBytesAtStart: number;
    rssAtStart: number;
    hwmProblem: string | null;
    images: number;
  } | null = null;

  constructor(options: EpochMeterOptions = {}) {
    this.tensorMemory = options.tensorMemory ?? engineTensorMemory;
    this.resetKernelPeak = options.resetKernelPeak ?? true;
    let energyZones: ReturnType<typeof discoverRapl> | null = null;
    if (options.energy ?? true) {
      energyZones = discoverRapl(options.powercapRoot ?? DEFAULT_POWERCAP_ROOT);
      this.energyAvailable = energyZones.available;
      this.energySource = energyZones.available
        ? `RAPL ${energyZones.zones.map((zone) => zone.name).join(' + ')}`
        : `not available: ${energyZones.reason}`;
    } else {
      this.energyAvailable = false;
      this.energySource = 'not available: energy measurement turned off';
    }
    this.sampler = new ResourceSampler({
      intervalMs: options.sampleIntervalMs ?? 50,
      energyZones: energyZones?.available ? energyZones.zones : [],
    });
  }

  start(): void {
    if (this.period) throw new Error('EpochMeter.start() called twice without stop()');
    const hwmProblem = this.resetKernelPeak ? resetPeakRss() : 'VmHWM reset turned off';
    this.tensorMemory.resetPeak();
    const tensorBytesAtStart = this.tensorMemory.stats().currentBytes;
    const rssAtStart = this.rss.read();
    this.sampler.start();
    this.period = {
      wallStart: process.hrtime.bigint(),
      cpuStart: process.cpuUsage(),
      tensorBytesAtStart,
      rssAtStart,
      hwmProblem,
      images: 0,
    };
  }

  /** Counts images as they are trained on; stop() without an argument uses this count. */
  addImages(count: number): void {
    if (!this.period) throw new Error('EpochMeter.addImages() called outside start()/stop()');
    this.period.images += count;
  }

  stop(images?: number): EpochMeasurement {
    const period = this.period;
    if (!period) throw new Error('EpochMeter.stop() called without start()');
    this.period = null;
    const cpu = process.cpuUsage(period.cpuStart);
    const timeS = Number(process.hrtime.bigint() - period.wallStart) / 1e9;
    const sampled = this.sampler.stop();
    const rssAtEnd = this.rss.read();
    const status = readProcessMemoryStatus();
    const tensors = this.tensorMemory.stats();
    const system: SystemMemory = readSystemMemory();
    const notes = [...sampled.problems];

    const readings = [period.rssAtStart, rssAtEnd].filter(Number.isFinite);
    if (sampled.samples > 0) readings.push(sampled.peakBytes);
    const sampledPeak = readings.length > 0 ? Math.max(...readings) : NaN;
    const meanRss = sampled.samples > 0 ? sampled.meanBytes : (period.rssAtStart + rssAtEnd) / 2;
    if (sampled.samples === 0)
      notes.push('no RSS samples: peak and mean RSS are from the start and end readings');

    const vmHwmReset = status !== null && period.hwmProblem === null;
    if (status === null) notes.push('VmHWM not available (no /proc/self/status): peak RSS is sampled only');
    else if (period.hwmProblem) notes.push(`${period.hwmProblem}: peak RSS is sampled only`);
    let peakRssBytes = sampledPeak;
    let peakRssSource: EpochMeasurement['peakRssSource'] = sampled.samples > 0 ? 'sampled' : 'start/end';
    if (vmHwmReset && status.hwmBytes >= sampledPeak) {
      peakRssBytes = status.hwmBytes;
      peakRssSource = 'VmHWM';
    }

    if (system.source === 'os') {
      notes.push(
        'no /proc/meminfo: system memory is os.totalmem() − os.freemem(), which counts the page cache',
      );
    }
    if (!this.energyAvailable || sampled.energyJ === null) notes.push(`energy ${this.energySource}`);

    const imageCount = images ?? period.images;
    return {
      timeS,
      images: imageCount,
      imagesPerS: timeS > 0 ? imageCount / timeS : NaN,
      peakTensorBytes: tensors.peakBytes,
      tensorBytesAtStart: period.tensorBytesAtStart,
      tensorBytesAtEnd: tensors.currentBytes,
      cachedTensorBytesAtEnd: tensors.cachedBytes,
      peakRssBytes,
      peakRssSource,
      sampledPeakRssBytes: sampledPeak,
      vmHwmBytes: status?.hwmBytes ?? null,
      vmHwmReset,
      meanRssBytes: meanRss,
      rssAtStartBytes: period.rssAtStart,
      rssAtEndBytes: rssAtEnd,
      rssSamples: sampled.samples,
      rssSampleIntervalMs: sampled.achievedIntervalMs,
      rssSource: this.rss.source,
      paperMemBytes: system.jtopUsedBytes,
      paperMemFraction: system.jtopUsedFraction,
      systemUsedBytes: system.usedBytes,
      systemTotalBytes: system.totalBytes,
      cpuUtilization: timeS > 0 ? (cpu.user + cpu.system) / 1e6 / timeS : NaN,
      cpuUserS: cpu.user / 1e6,
      cpuSystemS: cpu.system / 1e6,
      energyJ: this.energyAvailable ? sampled.energyJ : null,
      energySource:
        this.energyAvailable && sampled.energyJ === null
          ? 'not available: a counter read failed'
          : this.energySource,
      notes,
    };
  }

  /** Ends the sampler thread and releases the /proc file it reads. */
  close(): void {
    this.sampler.close();
    this.rss.close();
  }
}

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

/** The EpochRecord fields a measurement fills (the trainer adds loss, accuracy and learning rate). */
export function epochRecordFields(
  m: EpochMeasurement,
): Pick<
  EpochRecord,
  | 'timeS'
  | 'imagesPerS'
  | 'peakTensorBytes'
  | 'peakRssBytes'
  | 'meanRssBytes'
  | 'paperMemBytes'
  | 'cpuUtilization'
  | 'energyJ'
> {
  return {
    timeS: m.timeS,
    imagesPerS: m.imagesPerS,
    peakTensorBytes: m.peakTensorBytes,
    peakRssBytes: m.peakRssBytes,
    meanRssBytes: m.meanRssBytes,
    paperMemBytes: m.paperMemBytes,
    cpuUtilization: m.cpuUtilization,
    energyJ: m.energyJ,
  };
}

function mb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : 'n/a';
}

/** One line of text for logs and `--verbose` output; says "not available" for what the machine lacks. */
export function formatEpochMeasurement(m: EpochMeasurement): string {
  const energy =
    m.energyJ === null ? `energy ${m.energySource}` : `energy ${m.energyJ.toFixed(1)} J (${m.energySource})`;
  return [
    `time ${m.timeS.toFixed(2)} s`,
    `${m.imagesPerS.toFixed(1)} img/s`,
    `tensors peak ${mb(m.peakTensorBytes)}`,
    `RSS peak ${mb(m.peakRssBytes)} (${m.peakRssSource}) mean ${mb(m.meanRssBytes)} over ${m.rssSamples} samples`,
    `system used ${mb(m.paperMemBytes)} (${(m.paperMemFraction * 100).toFixed(1)}% of RAM, jtop's formula)`,
    `CPU ${m.cpuUtilization.toFixed(2)} cores`,
    energy,
  ].join(' · ');
}
