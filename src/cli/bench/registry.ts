import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './benchmark.ts';

const BENCH_DIR = new URL('./', import.meta.url);
const BENCH_FILE = /\.bench\.(ts|js|mjs)$/;

/** Every benchmark in src/cli/bench/ (files named `*.bench.ts`), sorted by name. */
export async function listBenchmarks(): Promise<Benchmark[]> {
  const names = (await readdir(fileURLToPath(BENCH_DIR))).filter((name) => BENCH_FILE.test(name)).sort();
  const benchmarks: Benchmark[] = [];
  for (const name of names) {
    const module = (await import(new URL(name, BENCH_DIR).href)) as { benchmark?: Benchmark };
    if (!module.benchmark) throw new Error(`${name} has no \`benchmark\` export`);
    benchmarks.push(module.benchmark);
  }
  return benchmarks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
