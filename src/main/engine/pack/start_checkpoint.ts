/**
 * A training checkpoint made from a model folder's own weights, for a folder that has none: a
 * shipped model carries no checkpoint (its float32 weights and Adam state would be three times
 * its size), so its copy gets one when it is duplicated, and "Train more" goes on from the
 * shipped weights at the epoch they reached, with a fresh optimiser state.
 */
import { parseModelMeta } from '../model/meta.ts';
import { readModelFolder } from '../model/serialize.ts';
import { Rng } from '../random/rng.ts';
import { writeCheckpoint } from '../train/checkpoint.ts';

/** Writes `modelDir/checkpoint` from the folder's weights and meta.json (atomically). */
export async function writeStartCheckpoint(modelDir: string): Promise<void> {
  const folder = await readModelFolder(modelDir);
  const meta = parseModelMeta(folder.meta, `${modelDir}/meta.json`);
  const last = meta.history.at(-1);
  const stepsPerEpoch =
    typeof meta.training['stepsPerEpoch'] === 'number'
      ? meta.training['stepsPerEpoch']
      : last && last.epoch > 0
        ? Math.round(last.step / last.epoch)
        : 0;
  await writeCheckpoint(modelDir, {
    config: folder.config,
    weights: folder.weights,
    optimizer: null,
    state: {
      step: last?.step ?? 0,
      epoch: last?.epoch ?? 0,
      stepInEpoch: 0,
      stepsPerEpoch,
      epochLossSum: 0,
      epochLossCount: 0,
      epochSeconds: 0,
      history: [...meta.history],
      bestValLoss: meta.bestValLoss,
      epochsSinceBest: 0,
      samplerRng: new Rng(`start-checkpoint:sampler:${last?.step ?? 0}`).getState(),
      dropoutRng: new Rng(`start-checkpoint:dropout:${last?.step ?? 0}`).getState(),
      savedAt: new Date().toISOString(),
    },
  });
}
