import { Command, Option } from 'commander';
import type { BackendName } from '../../main/engine/model/backend.ts';
import { table } from '../format.ts';
import { BACKEND_NAMES, parsePositiveInt } from './train.ts';

interface EvalCliOptions {
  model: string;
  seqLen?: number;
  batch?: number;
  maxWindows?: number;
  backend?: BackendName;
  cache: boolean;
  cacheDir?: string;
  splitCsv?: string;
  json?: boolean;
}

/** `continuo eval --model <dir> <paths...>`: next-token NLL, perplexity and accuracy on held-out data. */
export function evalCommand(): Command {
  return new Command('eval')
    .description(
      'Evaluate a model on the validation split of files or folders: NLL per token (natural log), perplexity, accuracy',
    )
    .argument('<paths...>', 'files or folders (.mid, .midi, .abc)')
    .requiredOption('--model <dir>', 'model folder')
    .option('--seq-len <n>', "window length (default: the model's training length)", parsePositiveInt)
    .option('--batch <n>', 'windows per batch (default 32)', parsePositiveInt)
    .option('--max-windows <n>', 'evaluate at most n windows, evenly spread', parsePositiveInt)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend to start from').choices(BACKEND_NAMES))
    .option('--cache-dir <dir>', 'token cache folder')
    .option('--no-cache', 'do not read or write the token cache')
    .option('--split-csv <file>', 'MAESTRO metadata CSV whose split column decides train/validation/test')
    .option('--json', 'print one JSON object on stdout')
    .action(async (paths: string[], options: EvalCliOptions) => {
      const { evaluateModel } = await import('../../main/engine/train/evaluate.ts');
      try {
        const result = await evaluateModel(options.model, paths, {
          seqLen: options.seqLen,
          batchSize: options.batch,
          maxWindows: options.maxWindows,
          backend: options.backend,
          cache: options.cache,
          cacheDir: options.cacheDir,
          splitCsv: options.splitCsv,
        });
        if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else {
          const rows: Array<Array<string | number>> = [
            ['Split', result.split],
            ['Tokens', result.tokens],
            ['NLL per token (nats)', result.nllPerToken.toFixed(4)],
            ['Perplexity', result.perplexity.toFixed(2)],
            ['Accuracy', `${(result.accuracy * 100).toFixed(2)} %`],
            ['Unknown tokens (skipped)', result.unknownTokens],
            ['Backend', result.backend],
          ];
          process.stdout.write(`${table(rows)}\n`);
        }
        if (result.unknownTokens > 0)
          process.stderr.write(
            `warning: ${result.unknownTokens} token(s) are not in the model's vocabulary and were skipped\n`,
          );
        process.exitCode = 0;
      } catch (error) {
        process.stderr.write(`continuo: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
}
