import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDataset } from '../../main/engine/datasets/index.ts';
import type { Benchmark } from './benchmark.ts';

/** MAESTRO 2004 in the shared data beside the repository (override with $CONTINUO_MAESTRO_2004). */
function maestro2004(): string {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  return process.env.CONTINUO_MAESTRO_2004 ?? path.resolve(repo, '../shared/data/maestro/2004');
}

/** Imports MAESTRO 2004 through the real parallel pipeline, cache off. */
export const benchmark: Benchmark = {
  name: 'maestro-import',
  description: 'Import + performance-encode MAESTRO 2004 (132 files), all cores, no cache',
  reference: 'Python mido parse: about 11 s',
  async run() {
    const folder = maestro2004();
    if (!existsSync(folder)) throw new Error(`MAESTRO 2004 not found at ${folder}`);
    const dataset = await openDataset([folder], { codec: 'performance', cache: false, inline: true });
    const seconds = dataset.load.seconds;
    return {
      files: dataset.stats.files,
      errors: dataset.errors.length,
      notes: dataset.stats.notes,
      workers: dataset.load.workersStarted,
      cores: os.availableParallelism(),
      seconds: Math.round(seconds * 1000) / 1000,
      'notes/s': Math.round(dataset.stats.notes / seconds),
      'speed-up vs mido (11 s)': Math.round((11 / seconds) * 10) / 10,
    };
  },
};
