import { Command, InvalidArgumentError, Option } from 'commander';
import type { BackendName } from '../../main/engine/model/backend.ts';
import { table } from '../format.ts';
import { BACKEND_NAMES, parsePositiveInt } from './train.ts';
import { qualityTable } from './quality_table.ts';

interface EvalCliOptions {
  model?: string;
  seqLen?: number;
  batch?: number;
  maxWindows?: number;
  backend?: BackendName;
  cache: boolean;
  cacheDir?: string;
  splitCsv?: string;
  split: 'validation' | 'all';
  json?: boolean;
  quality?: boolean;
  train?: string[];
  samples?: number;
  length?: string;
  temperature?: number;
  rngSeed?: number;
}

function parseTemperature(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && Number.isFinite(n))) throw new InvalidArgumentError('must be a number >= 0');
  return n;
}

function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be a whole number');
  return n;
}

/** Collects a repeatable option (`--train a --train b`), so it never swallows the paths after it. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function fail(error: unknown): void {
  process.stderr.write(`continuo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

/**
 * `continuo eval --model <dir> <paths...>`: next-token NLL, perplexity and accuracy on held-out data;
 * `continuo eval --quality ...`: the quality and novelty report of generations or files.
 */
export function evalCommand(): Command {
  return new Command('eval')
    .description(
      'Evaluate a model on the validation split of files or folders (NLL per token in nats, perplexity, ' +
        "accuracy), or with --quality: validity, novelty against the training set, key and range of a model's " +
        'generations or of ABC/MIDI files, beside a held-out split of real music',
    )
    .argument('[paths...]', 'files or folders (.mid, .midi, .abc)')
    .option('--model <dir>', 'model folder')
    .addOption(
      new Option('--split <which>', 'which items of the paths to evaluate (NLL)')
        .choices(['validation', 'all'])
        .default('validation'),
    )
    .option('--seq-len <n>', "window length (default: the model's training length)", parsePositiveInt)
    .option('--batch <n>', 'windows per batch (default 32)', parsePositiveInt)
    .option('--max-windows <n>', 'evaluate at most n windows, evenly spread', parsePositiveInt)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend to start from').choices(BACKEND_NAMES))
    .option('--cache-dir <dir>', 'token cache folder')
    .option('--no-cache', 'do not read or write the token cache')
    .option('--split-csv <file>', 'MAESTRO metadata CSV whose split column decides train/validation/test')
    .option(
      '--quality',
      'quality and novelty report: of the paths when given, else of --samples pieces generated with --model',
    )
    .option(
      '--train <path>',
      "quality: training file or folder to judge novelty against, repeatable (default: the model folder's index)",
      collect,
    )
    .option('--samples <n>', 'quality: pieces to generate (default 20)', parsePositiveInt)
    .option(
      '--length <len>',
      'quality: length of each generated piece (default 16bars, or 30s for time-based codecs)',
    )
    .option('--temperature <x>', 'quality: sampling temperature (default 1)', parseTemperature)
    .option('--rng-seed <n>', 'quality: random seed of the generation (default 0)', parseInteger)
    .option('--json', 'print one JSON object on stdout')
    .action(async (paths: string[], options: EvalCliOptions) => {
      if (options.quality) await runQuality(paths, options);
      else await runNll(paths, options);
    });
}

async function runQuality(paths: string[], options: EvalCliOptions): Promise<void> {
  const { evaluateQuality } = await import('../../main/engine/quality/evaluate_quality.ts');
  try {
    const evaluation = await evaluateQuality({
      modelDir: options.model,
      files: paths,
      train: options.train,
      samples: options.samples,
      length: options.length,
      temperature: options.temperature,
      rngSeed: options.rngSeed,
      onProgress: options.json ? undefined : (message) => process.stderr.write(`${message}\n`),
    });
    if (options.json) process.stdout.write(`${JSON.stringify(evaluation)}\n`);
    else process.stdout.write(`${qualityTable(evaluation)}\n`);
    for (const error of evaluation.errors.slice(0, 5)) process.stderr.write(`warning: ${error}\n`);
    if (evaluation.errors.length > 5)
      process.stderr.write(
        `warning: ${evaluation.errors.length - 5} more file(s) or tune(s) could not be read\n`,
      );
    process.exitCode = 0;
  } catch (error) {
    fail(error);
  }
}

async function runNll(paths: string[], options: EvalCliOptions): Promise<void> {
  if (!options.model)
    return fail(new Error('eval needs --model <dir> (or --quality with files and --train)'));
  if (paths.length === 0) return fail(new Error('eval needs files or folders to evaluate on'));
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
      split: options.split,
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
    fail(error);
  }
}
