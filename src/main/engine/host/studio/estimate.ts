import type { EngineResultOf, EnginePayloadOf } from '../../../../shared/ipc/index.ts';
import { initBackend } from '../../model/backend.ts';
import { TokenModel } from '../../model/token_model.ts';
import { Rng } from '../../random/rng.ts';
import { DEFAULT_BATCH_SIZE, DEFAULT_SEQ_LENGTH, architectureOf, stepsPerEpochFor } from './architecture.ts';

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
  const config = { vocabSize: payload.vocabSize, ...architecture };
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
  const stepsPerEpoch = stepsPerEpochFor(payload.trainTokens, batchSize, seqLength, payload.stepsPerEpoch);
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
