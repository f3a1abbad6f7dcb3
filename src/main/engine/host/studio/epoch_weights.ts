import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadGenerationModel, type GenerationModel } from '../../generate/load_model.ts';
import { parseModelMeta, type EpochMetrics } from '../../model/meta.ts';
import { readCheckpoint } from '../../train/index.ts';

/**
 * What the engine reads of a model folder while (or after) its own training process works on
 * it: that process keeps its weights to itself, so the engine goes by the files it writes.
 */

/**
 * The weights an epoch ended with, from the checkpoint it wrote right before reporting the
 * epoch, with the codec and vocabulary of meta.json: enough to generate that epoch's sample.
 */
export async function epochWeightsFromCheckpoint(modelDir: string, epoch: number): Promise<GenerationModel> {
  const model = await loadGenerationModel(modelDir);
  const checkpoint = await readCheckpoint(modelDir);
  if (!checkpoint) throw new Error(`${modelDir}: no checkpoint to take epoch ${epoch}'s weights from`);
  if (checkpoint.state.epoch < epoch)
    throw new Error(`${modelDir}: the checkpoint holds epoch ${checkpoint.state.epoch}, not ${epoch}`);
  return { ...model, config: checkpoint.config, weights: checkpoint.weights };
}

/** True when the folder holds a checkpoint a run can resume from. */
export async function hasCheckpoint(modelDir: string): Promise<boolean> {
  return readCheckpoint(modelDir).then(
    (checkpoint) => checkpoint !== null,
    () => false,
  );
}

/** The epochs of every run so far, from meta.json (empty when it cannot be read). */
export async function readRunHistory(modelDir: string): Promise<EpochMetrics[]> {
  const file = path.join(modelDir, 'meta.json');
  try {
    return parseModelMeta(JSON.parse(await readFile(file, 'utf8')), file).history;
  } catch {
    return [];
  }
}
