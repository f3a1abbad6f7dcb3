import os from 'node:os';
import { initBackend, type BackendName } from '../model/backend.ts';
import { probeBackends } from '../model/backend_probe.ts';
import { TokenModel, type TokenModelConfig } from '../model/token_model.ts';
import { Rng } from '../random/rng.ts';
import { DataParallelTrainer } from './parallel/data_parallel.ts';
import type { StepTiming, StepTimingRequest } from './protocol.ts';

/**
 * Timing real training steps of a model size, for the studio's estimate. It runs in the
 * training process (process_main.ts, "estimate" mode), never on the engine's thread, and
 * measures the path a run takes: the backend the start-up probe picks, the data-parallel
 * trainer on the run's default threads, and the faster of one and two threads as the
 * adaptive trainer would settle on.
 */

/** Timed steps per thread choice stop once this much wall time went into that choice... */
const TIME_PER_CHOICE_S = 1;
/** ...or after this many steps (small models: several steps, so one hiccup does not count). */
const MAX_STEPS_PER_CHOICE = 3;

/** The backend a run would train on: the one asked for, else the probe's fastest (as session.ts). */
async function runBackend(preferred: BackendName | undefined): Promise<BackendName> {
  const backend = preferred ? await initBackend(preferred) : await probeBackends();
  return backend.name;
}

/** Times training steps of `request` on random tokens; see the module comment. */
export async function timeTrainingSteps(
  request: StepTimingRequest,
  onLog: (message: string) => void = () => undefined,
): Promise<StepTiming> {
  const backend = await runBackend(request.backend);
  const config: TokenModelConfig = { ...request.config, layers: [...request.config.layers] };
  const model = TokenModel.create(config, 1);
  // A run's default threads (session.ts): both cores of a two-core machine.
  const threads = request.threads ?? Math.min(2, os.availableParallelism());
  // Not adaptive: this module picks the thread count itself, in fewer steps than the trainer's probe.
  const trainer = await DataParallelTrainer.start(model, { threads, backend, onLog, adaptive: false });
  try {
    const rng = new Rng(1);
    const size = request.batchSize * request.seqLength;
    const tokens = (): Int32Array =>
      Int32Array.from({ length: size }, () => rng.nextInt(request.config.vocabSize));
    const inputs = tokens();
    const targets = tokens();
    const step = async (): Promise<number> => {
      const started = performance.now();
      await trainer.trainStep(inputs, targets, request.batchSize);
      return (performance.now() - started) / 1000;
    };
    // Warm-up: kernel set-up and the worker's first weights copy are not training speed.
    await step();
    const timeChoice = async (): Promise<number[]> => {
      const seconds: number[] = [];
      while (seconds.length < MAX_STEPS_PER_CHOICE && sum(seconds) < TIME_PER_CHOICE_S)
        seconds.push(await step());
      return seconds;
    };
    const choices: Array<{ threads: number; seconds: number[] }> = [];
    const usedThreads = trainer.threads;
    choices.push({ threads: usedThreads, seconds: await timeChoice() });
    if (usedThreads === 2) {
      // One thread too: on a busy machine the trainer would settle on it if faster.
      trainer.setWorkerPaused(true);
      choices.push({ threads: 1, seconds: await timeChoice() });
    }
    const best = choices
      .map((choice) => ({ threads: choice.threads, seconds: median(choice.seconds) }))
      .reduce((a, b) => (b.seconds < a.seconds ? b : a));
    return {
      secondsPerStep: Math.max(best.seconds, 1e-6),
      backend,
      threads: best.threads,
      steps: choices.reduce((n, choice) => n + choice.seconds.length, 0),
    };
  } finally {
    await trainer.close();
    model.dispose();
  }
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
