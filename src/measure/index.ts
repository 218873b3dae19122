// Honest resource measurement: per-epoch time, memory, CPU and energy; inference latency; statistics.
export {
  EpochMeter,
  epochRecordFields,
  formatEpochMeasurement,
  type EpochMeasurement,
  type EpochRecord,
  type EpochMeterOptions,
  type TensorMemorySource,
} from './epoch-meter.js';
export {
  measureLatency,
  measureLatencyAsync,
  latencyStats,
  type LatencyOptions,
  type LatencyResult,
  type LatencyStats,
} from './latency.js';
export { ResourceSampler, type ResourceSamplerOptions, type SamplerResult } from './resource-sampler.js';
export {
  RssReader,
  readProcessMemoryStatus,
  readSystemMemory,
  resetPeakRss,
  type ProcessMemoryStatus,
  type SystemMemory,
} from './proc.js';
export { discoverRapl, counterDelta, EnergyCounter, type RaplZone, type RaplDiscovery } from './rapl.js';
export { median, percentile, mean, summarize, type Summary } from './stats.js';
