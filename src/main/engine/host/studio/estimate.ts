import type { EngineResultOf, EnginePayloadOf } from '../../../../shared/ipc/index.ts';
import type { CodecName } from '../../codecs/codec.ts';
import { openDataset, splitTokenLists } from '../../datasets/index.ts';
import { initBackend } from '../../model/backend.ts';
import { prepareTrainingData } from '../../train/data.ts';
import { resolveSettings } from '../../train/settings.ts';
import { TokenModel } from '../../model/token_model.ts';
import { Rng } from '../../random/rng.ts';
import { DEFAULT_BATCH_SIZE, DEFAULT_SEQ_LENGTH, architectureOf, stepsPerEpochFor } from './architecture.ts';

/** Vocabulary and training tokens of a dataset as training prepares it, by paths and codec. */
const dataShapes = new Map<string, Promise<{ vocabSize: number; trainTokens: number }>>();

/**
 * The vocabulary training builds on this dataset (over the transposed copies of its items,
 * with the trainer's default range) and its untransposed training tokens: what the model will
 * really have, read from the token cache the import filled.
 */
function trainingDataShape(
  paths: readonly string[],
  codec: CodecName,
  cacheDir: string,
): Promise<{ vocabSize: number; trainTokens: number }> {
  const key = JSON.stringify([paths, codec]);
  let shape = dataShapes.get(key);
  if (!shape) {
    shape = (async () => {
      const dataset = await openDataset(paths, { codec, cacheDir });
      const settings = resolveSettings({ paths: [...paths], codec, outDir: '.' });
      const data = prepareTrainingData(
        dataset.codec,
        splitTokenLists(dataset, 'train'),
        splitTokenLists(dataset, 'validation'),
        settings.transpose,
      );
      return { vocabSize: data.vocabulary.size, trainTokens: data.trainTokens };
    })();
    dataShapes.set(key, shape);
    // A failure is not remembered (the files may come back).
    shape.catch(() => dataShapes.delete(key));
  }
  return shape;
}

/** Measured seconds per step by model shape, so the form can ask again without re-timing. */
const timings = new Map<string, number>();

/**
 * Parameter count and time per epoch of a model size: builds the model and times real
 * training steps on random tokens (one warm-up step, then one timed), on the backend training uses.
 */
export async function estimateTraining(
  payload: EnginePayloadOf<'training.estimate'>,
): Promise<EngineResultOf<'training.estimate'>> {
  const backend = await initBackend();
  const architecture = architectureOf(payload.architecture);
  const batchSize = payload.batchSize ?? DEFAULT_BATCH_SIZE;
  const seqLength = payload.seqLength ?? DEFAULT_SEQ_LENGTH;
  const shape = payload.dataset
    ? await trainingDataShape(payload.dataset.paths, payload.dataset.codec, payload.dataset.cacheDir)
    : { vocabSize: payload.vocabSize, trainTokens: payload.trainTokens };
  const config = { vocabSize: shape.vocabSize, ...architecture };
  const key = JSON.stringify([backend.name, config.vocabSize, config.layers, batchSize, seqLength]);
  const model = TokenModel.create(config, 1);
  let secondsPerStep = timings.get(key);
  const parameterCount = model.parameterCount();
  try {
    if (secondsPerStep === undefined) {
      const rng = new Rng(1);
      const size = batchSize * seqLength;
      const inputs = Int32Array.from({ length: size }, () => rng.nextInt(config.vocabSize));
      const targets = Int32Array.from({ length: size }, () => rng.nextInt(config.vocabSize));
      model.trainStep(inputs, targets, batchSize);
      const started = performance.now();
      model.trainStep(inputs, targets, batchSize);
      secondsPerStep = (performance.now() - started) / 1000;
      timings.set(key, secondsPerStep);
    }
  } finally {
    model.dispose();
  }
  const stepsPerEpoch = stepsPerEpochFor(shape.trainTokens, batchSize, seqLength, payload.stepsPerEpoch);
  return {
    parameterCount,
    vocabSize: config.vocabSize,
    stepsPerEpoch,
    tokensPerStep: batchSize * seqLength,
    secondsPerStep,
    secondsPerEpoch: secondsPerStep * stepsPerEpoch,
    backend: backend.name,
    method: 'timed-steps',
  };
}
