/** Figures a benchmark reports, by name (e.g. `{ seconds: 0.9, 'notes/s': 905000 }`). */
export type BenchFigures = Record<string, number | string>;

/** What `continuo bench` passes to a benchmark. */
export interface BenchRunOptions {
  /** `--budget <minutes>`: time a benchmark that trains may spend training (each sets its default). */
  budgetMinutes?: number;
}

/**
 * One benchmark. To add one, drop a `<name>.bench.ts` file in src/cli/bench/ whose
 * `benchmark` export is of this type; the registry finds it.
 */
export interface Benchmark {
  /** Short id used on the command line, e.g. `maestro-import`. */
  name: string;
  description: string;
  /** A reference figure to compare with, e.g. "Python mido: about 11 s". */
  reference?: string;
  run(options?: BenchRunOptions): Promise<BenchFigures>;
}
