import { Command, InvalidArgumentError } from 'commander';
import { listBenchmarks } from '../bench/registry.ts';
import type { BenchFigures } from '../bench/benchmark.ts';
import { table } from '../format.ts';

interface BenchOptions {
  json?: boolean;
  list?: boolean;
  budget?: number;
}

function parseMinutes(value: string): number {
  const minutes = Number(value);
  if (!(minutes > 0 && Number.isFinite(minutes)))
    throw new InvalidArgumentError('must be a number of minutes > 0');
  return minutes;
}

/** One benchmark's outcome in `continuo bench --json`. */
export interface BenchResult {
  name: string;
  description: string;
  reference?: string;
  figures?: BenchFigures;
  error?: string;
}

/** `continuo bench [names...]`: run the registered benchmarks (all by default) and print their figures. */
export function benchCommand(): Command {
  return new Command('bench')
    .description('Run benchmarks (all, or those named) and print their figures')
    .argument('[names...]', 'benchmarks to run')
    .option('--json', 'print one JSON object on stdout')
    .option('--list', 'list the benchmarks and exit')
    .option('--budget <minutes>', 'training time for benchmarks that train (e.g. jigs-quality)', parseMinutes)
    .action(async (names: string[], options: BenchOptions) => {
      const all = await listBenchmarks();
      if (options.list) {
        process.stdout.write(`${table(all.map((b) => [b.name, b.description]))}\n`);
        return;
      }
      const unknown = names.filter((name) => !all.some((b) => b.name === name));
      if (unknown.length > 0) {
        process.stderr.write(
          `error: unknown benchmark(s): ${unknown.join(', ')} (have: ${all.map((b) => b.name).join(', ')})\n`,
        );
        process.exitCode = 2;
        return;
      }
      const chosen = names.length > 0 ? all.filter((b) => names.includes(b.name)) : all;
      const results: BenchResult[] = [];
      for (const bench of chosen) {
        if (!options.json) process.stderr.write(`running ${bench.name}...\n`);
        const result: BenchResult = {
          name: bench.name,
          description: bench.description,
          reference: bench.reference,
        };
        try {
          result.figures = await bench.run({ budgetMinutes: options.budget });
        } catch (error) {
          result.error = error instanceof Error ? error.message : String(error);
        }
        results.push(result);
        if (!options.json) process.stdout.write(humanResult(result));
      }
      if (options.json) process.stdout.write(`${JSON.stringify({ benchmarks: results })}\n`);
      process.exitCode = results.some((r) => r.error) ? 1 : 0;
    });
}

function humanResult(result: BenchResult): string {
  let out = `\n${result.name}: ${result.description}\n`;
  if (result.reference) out += `reference: ${result.reference}\n`;
  if (result.error) return `${out}FAILED: ${result.error}\n`;
  return `${out}${table(Object.entries(result.figures ?? {}).map(([k, v]) => [`  ${k}`, v]))}\n`;
}
