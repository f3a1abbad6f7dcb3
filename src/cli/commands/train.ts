import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CodecName } from '../../main/engine/codecs/codec.ts';
import type { BackendName } from '../../main/engine/model/backend.ts';
import { customArchitecture, PRESETS, type PresetName } from '../../main/engine/model/presets.ts';
import type {
  TrainCallbacks,
  TrainingHandle,
  TrainModelOptions,
  TrainProgress,
  TrainRequest,
  TrainResult,
} from '../../main/engine/train/types.ts';
import { formatDuration } from '../format.ts';
import { CODEC_NAMES, codecHelp } from './dataset.ts';

/** Backends the CLI offers. */
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** Commander parser for a positive integer option. */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** Commander parser for a non-negative integer option. */
export function parseNonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number >= 0');
  return n;
}

/** Commander parser for a non-negative number option. */
export function parseNonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number >= 0');
  return n;
}

interface TrainCliOptions {
  codec: CodecName;
  out: string;
  preset?: PresetName;
  layers?: number;
  units?: number;
  dropout?: number;
  seqLen?: number;
  batch?: number;
  epochs?: number;
  lr?: number;
  warmup?: number;
  clip?: number;
  stepsPerEpoch?: number;
  rngSeed?: number;
  transpose?: number;
  stretch?: number;
  checkpointMinutes?: number;
  earlyStopping?: number;
  backend?: BackendName;
  cache: boolean;
  cacheDir?: string;
  splitCsv?: string;
  inProcess?: boolean;
  json?: boolean;
}

/** `continuo train <paths...>`: train a new model in a child process and write its model folder. */
export function trainCommand(): Command {
  return new Command('train')
    .description('Train a new LSTM model on MIDI/ABC files or folders and write a model folder')
    .argument('<paths...>', 'files or folders (.mid, .midi, .abc)')
    .addOption(
      new Option('--codec <name>', `token codec: ${codecHelp()}`).choices(CODEC_NAMES).makeOptionMandatory(),
    )
    .requiredOption('--out <dir>', 'model folder to write')
    .addOption(new Option('--preset <name>', 'model size (default standard)').choices(Object.keys(PRESETS)))
    .option('--layers <n>', 'LSTM layers (custom size, with --units)', parsePositiveInt)
    .option('--units <n>', 'units per LSTM layer (custom size)', parsePositiveInt)
    .option('--dropout <x>', 'dropout rate for a custom size (default 0.2)', parseNonNegative)
    .option('--seq-len <n>', 'tokens per training window (default 64)', parsePositiveInt)
    .option('--batch <n>', 'windows per batch (default 32)', parsePositiveInt)
    .option('--epochs <n>', 'epochs (default 10)', parsePositiveInt)
    .option('--lr <x>', 'peak learning rate (default 0.002)', parseNonNegative)
    .option('--warmup <n>', 'learning-rate warm-up steps (default 100)', parseNonNegativeInt)
    .option('--clip <x>', 'gradient clipping norm (default 5, 0 = off)', parseNonNegative)
    .option('--steps-per-epoch <n>', 'cap on steps per epoch', parsePositiveInt)
    .option('--rng-seed <n>', 'random seed (default 0)', parseNonNegativeInt)
    .option(
      '--transpose <n>',
      'transposition augmentation range in semitones (default 3, 0 = off)',
      parseNonNegativeInt,
    )
    .option(
      '--stretch <x>',
      'time-stretch augmentation for performance, 1 +- x (default 0.05)',
      parseNonNegative,
    )
    .option(
      '--checkpoint-minutes <x>',
      'minutes between checkpoints within an epoch (default 5)',
      parseNonNegative,
    )
    .option('--early-stopping <n>', 'stop after n epochs without a better validation loss', parsePositiveInt)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend to start from').choices(BACKEND_NAMES))
    .option('--cache-dir <dir>', 'token cache folder')
    .option('--no-cache', 'do not read or write the token cache')
    .option('--split-csv <file>', 'MAESTRO metadata CSV whose split column decides train/validation/test')
    .option('--in-process', 'train in this process instead of a child process')
    .option('--json', 'print one JSON object per line on stdout for each progress event, and a summary')
    .action(async (paths: string[], options: TrainCliOptions, command: Command) => {
      const train: TrainModelOptions = {
        paths,
        codec: options.codec,
        outDir: options.out,
        preset: options.preset,
        seqLen: options.seqLen,
        batchSize: options.batch,
        epochs: options.epochs,
        learningRate: options.lr,
        warmupSteps: options.warmup,
        clipNorm: options.clip,
        stepsPerEpoch: options.stepsPerEpoch,
        seed: options.rngSeed,
        transpose: options.transpose,
        stretch: options.stretch,
        checkpointMinutes: options.checkpointMinutes,
        earlyStoppingPatience: options.earlyStopping ?? null,
        backend: options.backend,
        cache: options.cache,
        cacheDir: options.cacheDir,
        splitCsv: options.splitCsv,
      };
      try {
        if (options.layers !== undefined || options.units !== undefined) {
          if (options.preset) throw new Error('--preset cannot be combined with --layers/--units');
          train.architecture = customArchitecture(
            options.layers ?? 2,
            options.units ?? 256,
            options.dropout ?? 0.2,
          );
        } else if (options.dropout !== undefined) {
          throw new Error('--dropout needs --layers/--units (presets fix their dropout)');
        }
        // Bad values are usage errors, reported before any process starts.
        const { resolveSettings } = await import('../../main/engine/train/settings.ts');
        resolveSettings(train);
      } catch (error) {
        command.error(`error: ${(error as Error).message}`, { exitCode: 2 });
      }
      await runTrainingJob(
        { kind: 'train', options: train },
        { json: options.json, inProcess: options.inProcess },
      );
    });
}

/** How `runTrainingJob` reports. */
export interface JobOutput {
  json?: boolean;
  inProcess?: boolean;
}

/**
 * Runs a training job (child process by default) with a progress bar on a terminal, or JSON
 * lines with `--json`; Ctrl-C stops after a checkpoint (twice: kills at once). Sets the exit code.
 */
export async function runTrainingJob(request: TrainRequest, output: JobOutput): Promise<void> {
  const view = output.json ? jsonView() : barView();
  let handle: TrainingHandle;
  if (output.inProcess) {
    const { startTraining, resumeTraining } = await import('../../main/engine/train/session.ts');
    handle =
      request.kind === 'train'
        ? startTraining(request.options, view.callbacks)
        : resumeTraining(request.modelDir, request.overrides ?? {}, view.callbacks);
  } else {
    const { startTrainingProcess } = await import('../../main/engine/train/client.ts');
    handle = startTrainingProcess(request, view.callbacks);
  }
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('\nStopping after a checkpoint... (Ctrl-C again to quit at once)\n');
      handle.stop();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await handle.done;
    view.finish(result);
    process.exitCode = 0;
  } catch (error) {
    view.fail();
    process.stderr.write(`continuo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

interface View {
  callbacks: TrainCallbacks;
  finish(result: TrainResult): void;
  fail(): void;
}

/** The summary object printed last (also the JSON summary line). */
function summary(result: TrainResult): Record<string, unknown> {
  const last = result.history.at(-1);
  return {
    type: 'summary',
    status: result.status,
    modelDir: result.modelDir,
    epochs: result.epochs,
    step: result.step,
    loss: last?.loss ?? null,
    valLoss: last?.valLoss ?? null,
    valAccuracy: last?.valAccuracy ?? null,
    valPerplexity: last?.valPerplexity ?? null,
    bestValLoss: result.bestValLoss,
    mainWeights: result.mainWeights,
    parameterCount: result.parameterCount,
    vocabSize: result.vocabSize,
    backend: result.backend,
    seconds: Math.round(result.seconds * 100) / 100,
  };
}

function jsonView(): View {
  const line = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);
  return {
    callbacks: {
      onProgress: (progress) => line({ type: 'progress', ...progress }),
      onEpoch: (metrics) => line({ type: 'epoch', ...metrics }),
      onLog: (message) => process.stderr.write(`${message}\n`),
    },
    finish: (result) => line(summary(result)),
    fail: () => undefined,
  };
}

function fixed(x: number | null, digits = 3): string {
  return x === null || !Number.isFinite(x) ? '-' : x.toFixed(digits);
}

/** A progress bar on a terminal (stderr); plain lines per epoch otherwise. */
function barView(): View {
  const tty = process.stderr.isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format:
            'Epoch {epoch}/{epochs} {bar} {value}/{total} | loss {loss} | val {valLoss} | {tps} tok/s | ETA {timeLeft} | {backend} {note}',
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let started = false;
  let shownEpoch = 0;
  let lastLoss: number | null = null;
  const update = (p: TrainProgress): void => {
    if (p.loss !== null) lastLoss = p.loss;
    if (!bar || p.phase === 'loading') {
      if (p.phase === 'loading' && p.message && tty) process.stderr.write(`\r${p.message}   `);
      return;
    }
    const payload = {
      epoch: p.epoch,
      epochs: p.epochs,
      loss: fixed(lastLoss),
      valLoss: fixed(p.valLoss),
      tps: Math.round(p.tokensPerSec),
      timeLeft: p.etaSeconds === null ? '-' : formatDuration(p.etaSeconds),
      backend: p.backend,
      note: p.phase === 'training' ? '' : (p.message ?? p.phase),
    };
    if (!started || p.epoch !== shownEpoch) {
      if (started) bar.stop();
      else process.stderr.write('\n');
      bar.start(p.stepsPerEpoch, p.stepInEpoch, payload);
      started = true;
      shownEpoch = p.epoch;
    } else bar.update(p.stepInEpoch, payload);
  };
  return {
    callbacks: {
      onProgress: update,
      onEpoch: (m) => {
        if (!tty)
          process.stderr.write(
            `epoch ${m.epoch}: loss ${fixed(m.loss)} val ${fixed(m.valLoss)} acc ${fixed(m.valAccuracy)} (${m.tokensPerSec} tok/s)\n`,
          );
      },
      onLog: (message) => process.stderr.write(`${tty && started ? '\n' : ''}${message}\n`),
    },
    finish: (result) => {
      if (started) bar?.stop();
      const s = summary(result);
      const resumeHint =
        result.status === 'stopped' ? ` (continue with: continuo resume ${result.modelDir})` : '';
      process.stdout.write(
        `${result.status}${resumeHint}: ${result.epochs} epoch(s), ${result.step} steps, ` +
          `val loss ${fixed(s.valLoss as number | null)}, best ${fixed(result.bestValLoss)} -> ${result.modelDir} ` +
          `(${result.mainWeights} weights, ${result.parameterCount} parameters, ${result.backend}, ${formatDuration(result.seconds)})\n`,
      );
    },
    fail: () => {
      if (started) bar?.stop();
    },
  };
}
