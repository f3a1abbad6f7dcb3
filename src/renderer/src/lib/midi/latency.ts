/**
 * Thru latency as measured on the live path: from an event's own timestamp to the moment its
 * note was sent to an output or started on the built-in piano (ms). The last samples are kept
 * for the MIDI panel and the benchmark.
 */

/** Samples kept per target. */
const KEEP = 4000;

export type LatencyTarget = 'output' | 'piano';

export class LatencyLog {
  private readonly samples: Record<LatencyTarget, number[]> = { output: [], piano: [] };

  add(target: LatencyTarget, ms: number): void {
    const list = this.samples[target];
    list.push(ms);
    if (list.length > KEEP) list.splice(0, list.length - KEEP);
  }

  /** A copy of the samples of a target, oldest first. */
  list(target: LatencyTarget): number[] {
    return [...this.samples[target]];
  }

  clear(): void {
    this.samples.output = [];
    this.samples.piano = [];
  }
}

/** The p-th percentile (0..100) of samples, by nearest rank; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
