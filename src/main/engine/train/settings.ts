import type { CodecName } from '../codecs/codec.ts';
import { isCodecName } from '../codecs/registry.ts';
import type { CodecSpec } from '../datasets/types.ts';
import { customArchitecture, presetArchitecture, PRESETS, type ModelArchitecture } from '../model/presets.ts';
import type { ResumeOverrides, TrainModelOptions } from './types.ts';

/** Every training hyper-parameter, resolved; stored in meta.json's `training` so `resume` can go on. */
export interface TrainSettings {
  seqLen: number;
  batchSize: number;
  epochs: number;
  learningRate: number;
  warmupSteps: number;
  clipNorm: number;
  /** Cap on steps per epoch, null = see the training tokens once. */
  stepsPerEpoch: number | null;
  seed: number;
  transpose: number;
  stretch: number;
  maxValidationWindows: number;
  checkpointMinutes: number;
  earlyStoppingPatience: number | null;
  preset: string | null;
  architecture: ModelArchitecture;
  cache: boolean;
  splitCsv: string | null | undefined;
}

function positiveInt(value: number | undefined, fallback: number, what: string, max = 1e9): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1 || v > max)
    throw new Error(`${what} must be an integer from 1 to ${max}, got ${v}`);
  return v;
}

function nonNegative(value: number | undefined, fallback: number, what: string, max = Infinity): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max)
    throw new Error(`${what} must be a number from 0 to ${max}, got ${v}`);
  return v;
}

/** The codec spec of the options (name checked). */
export function codecSpecOf(codec: CodecName | CodecSpec): CodecSpec {
  const spec = typeof codec === 'string' ? { name: codec } : codec;
  if (!isCodecName(spec.name))
    throw new Error(`Unknown codec "${String(spec.name)}" (known: performance, abc, notes)`);
  return spec;
}

/** Checks the options of a new run and fills in the defaults; throws a clear Error for a bad value. */
export function resolveSettings(options: TrainModelOptions): TrainSettings {
  if (!Array.isArray(options.paths) || options.paths.length === 0) throw new Error('No dataset paths given');
  if (!options.outDir) throw new Error('No output model folder given');
  codecSpecOf(options.codec);
  if (options.preset !== undefined && !(options.preset in PRESETS))
    throw new Error(`Unknown preset "${options.preset}" (known: ${Object.keys(PRESETS).join(', ')})`);
  const architecture = options.architecture
    ? customArchitectureOf(options.architecture)
    : presetArchitecture(options.preset ?? 'standard');
  const learningRate = options.learningRate ?? 2e-3;
  if (!(learningRate > 0 && learningRate < 1))
    throw new Error(`Learning rate must be in (0, 1), got ${learningRate}`);
  const patience = options.earlyStoppingPatience ?? null;
  return {
    seqLen: positiveInt(options.seqLen, 64, 'Sequence length', 4096),
    batchSize: positiveInt(options.batchSize, 32, 'Batch size', 4096),
    epochs: positiveInt(options.epochs, 10, 'Epochs', 100000),
    learningRate,
    warmupSteps: nonNegative(options.warmupSteps, 100, 'Warm-up steps'),
    clipNorm: nonNegative(options.clipNorm, 5, 'Gradient clip norm'),
    stepsPerEpoch:
      options.stepsPerEpoch === undefined ? null : positiveInt(options.stepsPerEpoch, 1, 'Steps per epoch'),
    seed: nonNegative(options.seed, 0, 'Seed'),
    transpose: Math.floor(nonNegative(options.transpose, 3, 'Transposition range', 12)),
    stretch: nonNegative(options.stretch, 0.05, 'Time stretch', 0.5),
    maxValidationWindows: positiveInt(options.maxValidationWindows, 128, 'Validation windows'),
    checkpointMinutes: nonNegative(options.checkpointMinutes, 5, 'Checkpoint interval (minutes)'),
    earlyStoppingPatience: patience === null ? null : positiveInt(patience, 1, 'Early-stopping patience'),
    preset: options.architecture ? null : (options.preset ?? 'standard'),
    architecture,
    cache: options.cache ?? true,
    splitCsv: options.splitCsv,
  };
}

function customArchitectureOf(a: ModelArchitecture): ModelArchitecture {
  if (!Array.isArray(a.layers) || a.layers.length === 0)
    throw new Error('Architecture needs at least one layer');
  // Validates counts, sizes and dropout with the presets module's rules.
  customArchitecture(a.layers.length, Math.max(...a.layers), a.dropout);
  if (a.layers.some((u) => !Number.isInteger(u) || u < 1))
    throw new Error(`Bad layer sizes [${a.layers.join(', ')}]`);
  return { layers: [...a.layers], dropout: a.dropout };
}

/** Settings of a resumed run: the stored ones with the overrides applied. */
export function applyOverrides(stored: TrainSettings, overrides: ResumeOverrides): TrainSettings {
  const next = { ...stored };
  if (overrides.epochs !== undefined) next.epochs = positiveInt(overrides.epochs, 1, 'Epochs', 100000);
  if (overrides.stepsPerEpoch !== undefined)
    next.stepsPerEpoch = positiveInt(overrides.stepsPerEpoch, 1, 'Steps per epoch');
  if (overrides.checkpointMinutes !== undefined)
    next.checkpointMinutes = nonNegative(overrides.checkpointMinutes, 5, 'Checkpoint interval (minutes)');
  if (overrides.earlyStoppingPatience !== undefined)
    next.earlyStoppingPatience =
      overrides.earlyStoppingPatience === null
        ? null
        : positiveInt(overrides.earlyStoppingPatience, 1, 'Patience');
  return next;
}

/** Reads stored settings from meta.json's `training` object; throws naming what is missing. */
export function settingsFromMeta(training: Record<string, unknown>, where: string): TrainSettings {
  const need = [
    'seqLen',
    'batchSize',
    'epochs',
    'learningRate',
    'warmupSteps',
    'clipNorm',
    'seed',
    'transpose',
  ];
  for (const key of need)
    if (typeof training[key] !== 'number')
      throw new Error(`${where}: training.${key} is missing: cannot resume`);
  return training as unknown as TrainSettings;
}
