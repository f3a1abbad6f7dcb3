import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { strToU8, strFromU8, unzipSync, zipSync, type UnzipFileFilter } from 'fflate';
import { parseModelMeta, type ModelMeta } from '../../engine/model/meta.ts';
import { weightByteLength } from '../../engine/model/layers_format.ts';
import { parseModelJson, type WeightSpec } from '../../engine/model/serialize.ts';
import {
  BaselineSchema,
  NOVELTY_INDEX_FILE,
  QUALITY_BASELINE_FILE,
} from '../../engine/quality/model_quality.ts';
import { NoveltyIndex } from '../../engine/quality/novelty_index.ts';

/**
 * One-file models: a zip named `<name>.continuo-model` holding a model folder's model.json,
 * weights.bin and meta.json, and when the folder has them its novelty index and held-out
 * quality baseline (never the training checkpoint). Unpacking validates everything
 * before anything is written, so a corrupt, truncated or foreign file is refused with a clear
 * `ModelArchiveError` and never half-installed.
 */

/** File extension of an exported model. */
export const MODEL_ARCHIVE_EXTENSION = '.continuo-model';
/** The entries of a model archive (the files of a model folder that make the model). */
export const MODEL_ARCHIVE_ENTRIES = ['model.json', 'weights.bin', 'meta.json'] as const;
/** Entries carried when the folder has them: what the quality report needs without the training data. */
export const MODEL_ARCHIVE_OPTIONAL_ENTRIES = [NOVELTY_INDEX_FILE, QUALITY_BASELINE_FILE] as const;
/** Largest archive entry accepted (before unpacking), so a zip bomb cannot fill memory. */
export const MAX_ENTRY_BYTES = 1024 * 1024 * 1024;

/** Why an archive was refused. */
export type ModelArchiveProblem =
  'not_a_zip' | 'unsafe_entry' | 'missing_entry' | 'too_large' | 'invalid_model';

/** A model archive that cannot be used; `problem` says why in a word, `message` in a sentence. */
export class ModelArchiveError extends Error {
  constructor(
    readonly problem: ModelArchiveProblem,
    message: string,
  ) {
    super(message);
    this.name = 'ModelArchiveError';
  }
}

/** The three files of a model, and the optional ones it has, as bytes. */
export type ModelFiles = Record<(typeof MODEL_ARCHIVE_ENTRIES)[number], Uint8Array> &
  Partial<Record<(typeof MODEL_ARCHIVE_OPTIONAL_ENTRIES)[number], Uint8Array>>;

/** A model's files after validation, with its parsed meta.json. */
export interface CheckedModelFiles {
  files: ModelFiles;
  meta: ModelMeta;
}

/** Reads the three model files of a model folder, and the optional ones it has. */
export async function readModelFiles(dir: string): Promise<ModelFiles> {
  const [model, weights, meta] = await Promise.all(
    MODEL_ARCHIVE_ENTRIES.map((name) => readFile(path.join(dir, name))),
  );
  const files: ModelFiles = { 'model.json': model, 'weights.bin': weights, 'meta.json': meta };
  for (const name of MODEL_ARCHIVE_OPTIONAL_ENTRIES) {
    const bytes = await readFile(path.join(dir, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (bytes) files[name] = bytes;
  }
  return files;
}

/** Packs a model's files into one zip (weights and index stored as they are: they barely compress). */
export function packModelArchive(files: ModelFiles): Uint8Array {
  const index = files[NOVELTY_INDEX_FILE];
  const baseline = files[QUALITY_BASELINE_FILE];
  return zipSync({
    'model.json': [files['model.json'], { level: 6 }],
    'weights.bin': [files['weights.bin'], { level: 0 }],
    'meta.json': [files['meta.json'], { level: 6 }],
    ...(index ? { [NOVELTY_INDEX_FILE]: [index, { level: 0 }] } : {}),
    ...(baseline ? { [QUALITY_BASELINE_FILE]: [baseline, { level: 6 }] } : {}),
  });
}

/** True for a zip entry name that could escape the folder it is unpacked into. */
export function isUnsafeEntryName(name: string): boolean {
  return (
    name.length === 0 ||
    name.includes('\0') ||
    name.includes('\\') ||
    name.startsWith('/') ||
    /^[a-zA-Z]:/.test(name) ||
    name.split('/').some((part) => part === '..')
  );
}

/**
 * Unpacks and validates a model archive: every entry name must be safe, the three model files
 * present and small enough, model.json a Continuo model whose manifest fits weights.bin
 * exactly, and meta.json valid. Other (safe) entries are ignored. Throws `ModelArchiveError`.
 */
export function unpackModelArchive(data: Uint8Array): CheckedModelFiles {
  let unsafe: string | undefined;
  let tooLarge: string | undefined;
  const wanted = new Set<string>([...MODEL_ARCHIVE_ENTRIES, ...MODEL_ARCHIVE_OPTIONAL_ENTRIES]);
  const filter: UnzipFileFilter = (file) => {
    if (isUnsafeEntryName(file.name)) unsafe ??= file.name;
    if (!wanted.has(file.name)) return false;
    if (file.originalSize > MAX_ENTRY_BYTES || file.size > MAX_ENTRY_BYTES) tooLarge ??= file.name;
    return unsafe === undefined && tooLarge === undefined;
  };
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(data, { filter });
  } catch (error) {
    if (unsafe === undefined && tooLarge === undefined)
      throw new ModelArchiveError(
        'not_a_zip',
        `Not a Continuo model file, or a damaged one (${error instanceof Error ? error.message : String(error)})`,
      );
    entries = {};
  }
  if (unsafe !== undefined)
    throw new ModelArchiveError(
      'unsafe_entry',
      `The model file has an unsafe entry name ${JSON.stringify(unsafe.slice(0, 200))}`,
    );
  if (tooLarge !== undefined)
    throw new ModelArchiveError(
      'too_large',
      `The model file's ${tooLarge} is larger than ${MAX_ENTRY_BYTES} bytes`,
    );
  const missing = MODEL_ARCHIVE_ENTRIES.filter((name) => !entries[name]);
  if (missing.length > 0)
    throw new ModelArchiveError('missing_entry', `The model file lacks ${missing.join(', ')}`);
  const files: ModelFiles = {
    'model.json': entries['model.json'],
    'weights.bin': entries['weights.bin'],
    'meta.json': entries['meta.json'],
  };
  for (const name of MODEL_ARCHIVE_OPTIONAL_ENTRIES) if (entries[name]) files[name] = entries[name];
  return { files, meta: checkModelFiles(files) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(bytes: Uint8Array, name: string): unknown {
  try {
    return JSON.parse(strFromU8(bytes));
  } catch (error) {
    throw new ModelArchiveError('invalid_model', `${name} is not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Validates a model's three files: model.json is a Continuo model of a supported version whose
 * weight manifest covers weights.bin exactly, and meta.json passes `parseModelMeta`. Returns the meta.
 */
export function checkModelFiles(files: ModelFiles): ModelMeta {
  let specs: WeightSpec[];
  try {
    // Either model.json layout (the Layers format, or the first Continuo one).
    specs = parseModelJson(parseJson(files['model.json'], 'model.json')).specs;
  } catch (error) {
    if (error instanceof ModelArchiveError) throw error;
    throw new ModelArchiveError(
      'invalid_model',
      `model.json does not describe a Continuo model (${(error as Error).message})`,
    );
  }
  const end = specs.reduce((most, spec) => Math.max(most, spec.offset + weightByteLength(spec)), 0);
  const size = files['weights.bin'].length;
  if (size !== end)
    throw new ModelArchiveError(
      'invalid_model',
      `weights.bin has ${size} bytes but model.json describes ${end} (truncated or foreign weights)`,
    );
  checkQualityFiles(files);
  try {
    return parseModelMeta(parseJson(files['meta.json'], 'meta.json'));
  } catch (error) {
    if (error instanceof ModelArchiveError) throw error;
    throw new ModelArchiveError('invalid_model', (error as Error).message);
  }
}

/** The optional novelty index and baseline, when present, must be readable (a damaged one is refused). */
function checkQualityFiles(files: ModelFiles): void {
  const index = files[NOVELTY_INDEX_FILE];
  if (index) {
    try {
      NoveltyIndex.fromBytes(index, NOVELTY_INDEX_FILE);
    } catch (error) {
      throw new ModelArchiveError('invalid_model', (error as Error).message);
    }
  }
  const baseline = files[QUALITY_BASELINE_FILE];
  if (baseline && !BaselineSchema.safeParse(parseJson(baseline, QUALITY_BASELINE_FILE)).success)
    throw new ModelArchiveError(
      'invalid_model',
      `${QUALITY_BASELINE_FILE} is not a quality baseline (damaged, or from another program)`,
    );
}

/** meta.json bytes with a new display name and update time (other fields kept as they are). */
export function renamedMeta(metaBytes: Uint8Array, name: string): Uint8Array {
  const raw = parseJson(metaBytes, 'meta.json');
  if (!isObject(raw)) throw new ModelArchiveError('invalid_model', 'meta.json is not an object');
  return strToU8(`${JSON.stringify({ ...raw, name, updatedAt: new Date().toISOString() }, null, 2)}\n`);
}
