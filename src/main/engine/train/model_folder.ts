import { readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomic } from '../storage/atomic.ts';
import type { ModelMeta } from '../model/meta.ts';
import { saveModelFolder } from '../model/serialize.ts';
import type { TokenModelConfig, WeightData } from '../model/token_model.ts';

/**
 * Writing the main files of a model folder (model.json, weights.bin, meta.json) while a
 * training run keeps its `checkpoint/` inside the same folder. `saveModelFolder` replaces a
 * whole folder, which would drop the checkpoint, so the files are staged with it in a
 * sub-folder and moved in one by one, each by an atomic rename. The architecture never
 * changes during a run, so any mix of old and new files is still a loadable model; model.json
 * moves last, so a folder with one is complete.
 */

function stamp(): string {
  return `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Writes (or replaces) the main weights and meta.json of `modelDir`, leaving `checkpoint/` alone. */
export async function writeMainModel(
  modelDir: string,
  config: TokenModelConfig,
  weights: Record<string, WeightData>,
  meta: ModelMeta,
): Promise<void> {
  await mkdir(modelDir, { recursive: true });
  const staging = path.join(modelDir, `.staging-${stamp()}`);
  try {
    await saveModelFolder(staging, config, weights, meta);
    for (const file of ['weights.bin', 'meta.json', 'model.json'])
      await rename(path.join(staging, file), path.join(modelDir, file));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Replaces meta.json alone (e.g. a new epoch in the history while the best weights stay). */
export async function writeMeta(modelDir: string, meta: ModelMeta): Promise<void> {
  await writeJsonAtomic(path.join(modelDir, 'meta.json'), meta);
}

let appVersion: string | undefined;

/** The app version from package.json ('unknown' when it cannot be found, e.g. in a bundle). */
export function readAppVersion(): string {
  if (appVersion !== undefined) return appVersion;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    appVersion = typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    appVersion = 'unknown';
  }
  return appVersion;
}
