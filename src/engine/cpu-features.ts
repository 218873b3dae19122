// What the CPU reports it can do, from /proc/cpuinfo (Linux): its flags (x86) or features (ARM).
// No native code here, so `pareto-edge doctor` can report it even when the addon does not load.
import { readFileSync } from 'node:fs';

/** The CPU's flag words: x86's "flags" line or ARM's "Features" line; empty where neither is readable. */
export function readCpuFlags(
  cpuinfo: () => string = () => readFileSync('/proc/cpuinfo', 'utf8'),
): Set<string> {
  let text = '';
  try {
    text = cpuinfo();
  } catch {
    // Not Linux: no flags to report.
  }
  const line = /^(?:flags|Features)\s*:\s*(.*)$/m.exec(text)?.[1] ?? '';
  return new Set(line.split(/\s+/).filter((word) => word !== ''));
}

/**
 * The flags that say the CPU has bfloat16 instructions: x86's AVX512-BF16 and AMX-BF16, Arm's BF16
 * extension (Armv8.6-A). Without them libtorch still computes bfloat16, converting through float32.
 */
export const BF16_FLAGS = ['avx512_bf16', 'amx_bf16', 'bf16'] as const;

export function bf16Support(flags: Set<string> = readCpuFlags()): string[] {
  return BF16_FLAGS.filter((flag) => flags.has(flag));
}
