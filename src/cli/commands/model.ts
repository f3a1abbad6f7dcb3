import { Command } from 'commander';
import { table } from '../format.ts';

interface PackCliOptions {
  float16: boolean;
  data?: string[];
  name?: string;
  cacheDir?: string;
  cache: boolean;
  json?: boolean;
}

/** Collects a repeatable option (`--data a --data b`), so it never swallows the arguments after it. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `continuo model pack <model-dir> <out-dir>`: a model folder made ready to ship. */
export function modelCommand(): Command {
  const model = new Command('model').description('Work with model folders');
  model
    .command('pack')
    .description(
      'Write a model folder ready to ship: float16 weights (Layers format quantization), meta.json, ' +
        'and the novelty index and held-out baseline built from the training data',
    )
    .argument('<model-dir>', 'the trained model folder')
    .argument('<out-dir>', 'the folder to write (replaced atomically)')
    .option('--float16', 'store the weights as float16 (the default)', true)
    .option('--no-float16', 'keep the weights as float32')
    .option(
      '--data <path>',
      "training file or folder, repeatable (default: the paths in the model's meta.json)",
      collect,
    )
    .option('--name <name>', "display name of the packed model (default: the model's)")
    .option('--cache-dir <dir>', 'token cache folder')
    .option('--no-cache', 'do not read or write the token cache')
    .option('--json', 'print one JSON object on stdout')
    .action(async (modelDir: string, outDir: string, options: PackCliOptions) => {
      const { packModel } = await import('../../main/engine/pack/pack_model.ts');
      try {
        const result = await packModel({
          modelDir,
          outDir,
          quantization: options.float16 ? { dtype: 'float16' } : null,
          dataPaths: options.data,
          name: options.name,
          cacheDir: options.cacheDir,
          cache: options.cache,
          onProgress: options.json ? undefined : (message) => process.stderr.write(`${message}\n`),
        });
        if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else {
          const rows = [
            ['File', 'Bytes', 'sha256'],
            ...result.files.map((f) => [f.name, String(f.bytes), f.sha256]),
            ['total', String(result.totalBytes), ''],
          ];
          process.stdout.write(`${table(rows)}\n`);
          process.stdout.write(
            `Largest next-token probability change against the source weights: ${result.maxProbabilityDelta.toExponential(2)} ` +
              `(${result.comparedTokens} held-out tokens)\n`,
          );
          if (result.index)
            process.stdout.write(
              `Novelty index: ${result.index.pieces} training piece(s), ${result.index.ngrams} n-grams\n`,
            );
        }
        process.exitCode = 0;
      } catch (error) {
        process.stderr.write(`continuo: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
  return model;
}
