// The memory format a run's tensors use: NCHW, or channels-last (NHWC strides, oneDNN's preferred
// layout); `auto` (the default) is the faster for the model on this CPU, chosen by
// ./step-settings-choice.ts. The names and what each format means to the engine and the loader.
import type { MemoryFormat as TensorMemoryFormat } from '../engine/index.js';

export type MemoryFormat = 'nchw' | 'channels-last';
/** What --memory-format asks for. */
export type MemoryFormatSetting = MemoryFormat | 'auto';

export const MEMORY_FORMATS: readonly MemoryFormat[] = ['nchw', 'channels-last'];
export const MEMORY_FORMAT_SETTINGS: readonly MemoryFormatSetting[] = ['auto', ...MEMORY_FORMATS];

export function isMemoryFormatSetting(text: string): text is MemoryFormatSetting {
  return (MEMORY_FORMAT_SETTINGS as readonly string[]).includes(text);
}

/** What ran and why (run.json's and bench's `memoryFormat`). */
export type MemoryFormatChoice =
  | { format: MemoryFormat; chosen: 'forced' }
  | {
      format: MemoryFormat;
      chosen: 'measured';
      /** Median training-step time in each format, ms. */
      stepMs: Record<MemoryFormat, number>;
      /** The times were measured earlier on this machine for the same workload (the cache). */
      cached: boolean;
    };

/** One line: the format and, when measured, both step times. */
export function describeMemoryFormat(choice: MemoryFormatChoice): string {
  if (choice.chosen === 'forced') return `${choice.format} (as asked)`;
  const other = choice.format === 'nchw' ? 'channels-last' : 'nchw';
  const ms = (format: MemoryFormat) => `${choice.stepMs[format].toFixed(1)} ms`;
  return (
    `${choice.format}, measured faster: ${ms(choice.format)} per training step against ${ms(other)} in ${other}` +
    (choice.cached ? ' (measured earlier on this machine)' : '')
  );
}

/** The engine's name of a format. */
export function tensorFormat(format: MemoryFormat): TensorMemoryFormat {
  return format === 'channels-last' ? 'channels_last' : 'contiguous';
}

/** The loader's layout for a format: NHWC batches become channels-last tensors without a copy. */
export function batchLayout(format: MemoryFormat): 'nchw' | 'nhwc' {
  return format === 'channels-last' ? 'nhwc' : 'nchw';
}
