import type { EngineResultOf, EnginePayloadOf } from '../../../../shared/ipc/index.ts';
import type { CodecName } from '../../codecs/codec.ts';
import { openDataset, splitTokenLists } from '../../datasets/index.ts';
import { weightShapesFor, type TokenModelConfig } from '../../model/token_model.ts';
import { timeStepsInProcess } from '../../train/client.ts';
import { prepareTrainingData } from '../../train/data.ts';
import { resolveSettings } from '../../train/settings.ts';
import type { StepTiming, StepTimingRequest } from '../../train/protocol.ts';
import { DEFAULT_BATCH_SIZE, DEFAULT_SEQ_LENGTH, architectureOf, stepsPerEpochFor } from './architecture.ts';

/** Times training steps off the engine's thread; `signal` aborts a timing no one waits for any more. */
export type StepTimer = (request: StepTimingRequest, signal: AbortSignal) => Promise<StepTiming>;

/** The default timer: a short-lived training process in estimate mode (train/client.ts). */
const timeInTrainingProcess: StepTimer = (request, signal) => timeStepsInProcess(request, { signal });

/** Answers `training.estimate`. */
export type TrainingEstimator = (
  payload: EnginePayloadOf<'training.estimate'>,
) => Promise<EngineResultOf<'training.estimate'>>;

/** Why an aborted timing has no figure. */
const SUPERSEDED = 'a newer estimate replaced this one';

/**
 * The engine's `training.estimate` for one session. Parameters, vocabulary and steps per
 * epoch are counted here (cheap, cached by dataset); the time per step is measured in a
 * training process, so the engine answers other requests meanwhile. Timings are kept for the
 * session by everything that sets them (the dataset and codec through the vocabulary size,
 * the architecture, sequence length, batch size and backend choice), so the form's other
 * changes answer at once. A timing of another shape started later supersedes one still
 * running (it is killed and its callers hear why); a timing that fails leaves the time per
 * epoch unknown, with the reason, instead of failing the form.
 */
export function createTrainingEstimator(timeSteps: StepTimer = timeInTrainingProcess): TrainingEstimator {
  const timings = new Map<string, Promise<StepTiming>>();
  const done = new Set<string>();
  let running: { key: string; controller: AbortController } | null = null;

  function timing(request: StepTimingRequest): { promise: Promise<StepTiming>; cached: boolean } {
    const key = JSON.stringify(request);
    const known = timings.get(key);
    if (known) return { promise: known, cached: done.has(key) };
    if (running && running.key !== key) running.controller.abort();
    const controller = new AbortController();
    const mine = { key, controller };
    running = mine;
    const promise = timeSteps(request, controller.signal).catch((error: unknown) => {
      throw controller.signal.aborted ? new Error(SUPERSEDED) : error;
    });
    timings.set(key, promise);
    promise.then(
      () => done.add(key),
      // A failure is not remembered: the next ask tries again (the machine may be less busy).
      () => {
        if (timings.get(key) === promise) timings.delete(key);
      },
    );
    void promise
      .catch(() => undefined)
      .finally(() => {
        if (running === mine) running = null;
      });
    return { promise, cached: false };
  }

  return async (payload) => {
    const architecture = architectureOf(payload.architecture);
    const batchSize = payload.batchSize ?? DEFAULT_BATCH_SIZE;
    const seqLength = payload.seqLength ?? DEFAULT_SEQ_LENGTH;
    const shape = payload.dataset
      ? await trainingDataShape(payload.dataset.paths, payload.dataset.codec, payload.dataset.cacheDir)
      : { vocabSize: payload.vocabSize, trainTokens: payload.trainTokens };
    const config: TokenModelConfig = { vocabSize: shape.vocabSize, ...architecture };
    const stepsPerEpoch = stepsPerEpochFor(shape.trainTokens, batchSize, seqLength, payload.stepsPerEpoch);
    const counted = {
      parameterCount: parameterCountOf(config),
      vocabSize: config.vocabSize,
      stepsPerEpoch,
      tokensPerStep: batchSize * seqLength,
    };
    // No backend or threads given: the training process picks them as a run does.
    const { promise, cached } = timing({ config, batchSize, seqLength });
    try {
      const measured = await promise;
      return {
        ...counted,
        secondsPerStep: measured.secondsPerStep,
        secondsPerEpoch: measured.secondsPerStep * stepsPerEpoch,
        backend: measured.backend,
        threads: measured.threads,
        method: 'timed-steps',
        cached,
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return {
        ...counted,
        secondsPerStep: null,
        secondsPerEpoch: null,
        backend: '',
        method: 'untimed',
        timingError: reason.slice(0, 500),
      };
    }
  };
}

/** Trainable parameters of a model shape, from its weight shapes (no model is built). */
function parameterCountOf(config: TokenModelConfig): number {
  return Object.values(weightShapesFor(config)).reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0);
}

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
