import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { CODEC_NAMES, codecDescriptions, type CodecName } from '../../main/engine/codecs/registry.ts';
import type { Dataset } from '../../main/engine/datasets/index.ts';
import type { ImportIssue } from '../../main/engine/music/music_item.ts';
import { formatDuration, table } from '../format.ts';
import { createProgress } from '../progress.ts';

/** Codecs the CLI offers: every registered codec. */
export { CODEC_NAMES };

/** Each codec with its one-line description, for `--codec` help. */
export function codecHelp(): string {
  return codecDescriptions()
    .map((c) => `${c.name} (${c.description.replace(/^[^:]*:\s*/, '')})`)
    .join('; ');
}

/** Errors listed in the human report; --json lists all. */
const MAX_LISTED_ERRORS = 40;

interface DatasetOptions {
  codec: CodecName;
  json?: boolean;
  cache: boolean;
  cacheDir?: string;
  splitCsv?: string;
  exportTokens?: string;
}

/** The machine-readable result of `continuo dataset --json`: one object on stdout. */
export interface DatasetJson {
  files: number;
  items: number;
  errors: Array<{ file: string; item: number | null; reason: string }>;
  warnings: Array<{ file: string; item: number | null; reason: string }>;
  notes: number;
  seconds: number;
  tokens: number;
  vocabSize: number;
  vocabCoverage: number | null;
  pitchRange: { min: number; max: number } | null;
  split: { train: number; validation: number; test: number };
  splitSource: string | null;
  codec: string;
  load: { seconds: number; fromCache: number; parsed: number; workers: number; cacheDir: string | null };
}

/** `continuo dataset <paths...>`: import files/folders and print statistics and errors. */
export function datasetCommand(): Command {
  return new Command('dataset')
    .description('Import MIDI/ABC files or folders and print dataset statistics and errors')
    .argument('<paths...>', 'files or folders (.mid, .midi, .abc; folders are searched recursively)')
    .addOption(
      new Option('--codec <name>', `token codec: ${codecHelp()}`).choices(CODEC_NAMES).default('performance'),
    )
    .option('--json', 'print one JSON object on stdout')
    .option(
      '--cache-dir <dir>',
      'token cache folder (default $CONTINUO_CACHE_DIR or ~/.cache/continuo/tokens)',
    )
    .option('--no-cache', 'parse every file, do not read or write the token cache')
    .option('--split-csv <file>', 'MAESTRO metadata CSV whose split column decides train/validation/test')
    .option(
      '--export-tokens <dir>',
      'also write the training token streams as NumPy .npy shards (+ vocabulary.json, manifest.json) into <dir>',
    )
    .action(async (paths: string[], options: DatasetOptions, command: Command) => {
      if (options.splitCsv && !existsSync(options.splitCsv)) {
        command.error(`error: --split-csv file not found: ${options.splitCsv}`, { exitCode: 2 });
      }
      const progress = createProgress('Importing');
      const controller = new AbortController();
      const onSigint = (): void => controller.abort(new Error('interrupted'));
      process.once('SIGINT', onSigint);
      let dataset: Dataset;
      try {
        // Loaded on demand so that help and usage errors answer at once.
        const { openDataset } = await import('../../main/engine/datasets/index.ts');
        dataset = await openDataset(paths, {
          codec: options.codec,
          cache: options.cache,
          cacheDir: options.cacheDir,
          splitCsv: options.splitCsv,
          inline: true,
          onProgress: ({ done, total, file }) => progress.update(done, total, file),
          signal: controller.signal,
        });
      } finally {
        progress.stop();
        process.off('SIGINT', onSigint);
      }
      const json = toJson(dataset);
      process.stdout.write(options.json ? `${JSON.stringify(json)}\n` : humanReport(json));
      if (options.exportTokens && dataset.items.length > 0) {
        const { exportTokenShards } = await import('../../main/engine/train/export_tokens.ts');
        const manifest = await exportTokenShards(dataset, options.exportTokens);
        process.stderr.write(
          `Token shards: ${manifest.train.length} train and ${manifest.validation.length} validation file(s), ` +
            `vocabulary ${manifest.vocabSize}, in ${options.exportTokens}\n`,
        );
      }
      process.exitCode = dataset.items.length > 0 ? 0 : 1;
    });
}

/** The `--json` object for a dataset. */
export function toJson(dataset: Dataset): DatasetJson {
  const { stats, load } = dataset;
  return {
    files: stats.files,
    items: stats.items,
    errors: dataset.errors.map(issueJson),
    warnings: dataset.warnings.map(issueJson),
    notes: stats.notes,
    seconds: Math.round(stats.seconds * 1000) / 1000,
    tokens: stats.tokens,
    vocabSize: stats.vocabSize,
    vocabCoverage: stats.vocabCoverage,
    pitchRange: stats.pitchRange,
    split: stats.split,
    splitSource: dataset.splitSource,
    codec: dataset.codec.name,
    load: {
      seconds: Math.round(load.seconds * 1000) / 1000,
      fromCache: load.fromCache,
      parsed: load.parsed,
      workers: load.workersStarted,
      cacheDir: load.cacheDir,
    },
  };
}

function issueJson(issue: ImportIssue): { file: string; item: number | null; reason: string } {
  return { file: issue.file, item: issue.item ?? null, reason: issue.reason };
}

function humanReport(json: DatasetJson): string {
  const coverage = json.vocabCoverage === null ? 'n/a' : `${(json.vocabCoverage * 100).toFixed(1)} %`;
  const rows: Array<Array<string | number>> = [
    ['Codec', json.codec],
    ['Files', json.files],
    ['Items', json.items],
    ['Notes', json.notes],
    ['Duration', formatDuration(json.seconds)],
    ['Tokens', json.tokens],
    ['Vocabulary', json.vocabSize],
    ['Vocabulary coverage', coverage],
    ['Pitch range', json.pitchRange ? `${json.pitchRange.min}..${json.pitchRange.max}` : 'n/a'],
    ['Split (train/validation/test)', `${json.split.train} / ${json.split.validation} / ${json.split.test}`],
    ['Split from', json.splitSource ?? 'hash of file path'],
    ['Errors', json.errors.length],
    ['Warnings', json.warnings.length],
    ['Load', `${json.load.seconds.toFixed(2)} s (${json.load.fromCache} cached, ${json.load.parsed} parsed)`],
  ];
  let out = `${table(rows)}\n`;
  if (json.errors.length > 0) {
    out += '\nErrors:\n';
    for (const error of json.errors.slice(0, MAX_LISTED_ERRORS)) {
      out += `  ${error.file}${error.item === null ? '' : ` (X:${error.item})`}: ${error.reason}\n`;
    }
    const more = json.errors.length - MAX_LISTED_ERRORS;
    if (more > 0) out += `  ... and ${more} more (--json lists them all)\n`;
  }
  return out;
}
