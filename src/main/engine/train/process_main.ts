/**
 * Entry of the training process (started by client.ts through runtime/process_launch.ts).
 * Waits for one `start` message, runs the job in-process and reports over IPC; `stop` (or the
 * parent going away, or SIGINT/SIGTERM) stops after a checkpoint. In estimate mode (an
 * `estimate` message instead) it times a few training steps, answers and exits.
 */
import os from 'node:os';
import path from 'node:path';
import { setWorkerEntryResolver } from '../runtime/worker_script.ts';
import { z } from 'zod';
import { ToTrainerSchema, type FromTrainer, type ToTrainer } from './protocol.ts';
import { resumeTraining, startTraining } from './session.ts';
import { timeTrainingSteps } from './step_timing.ts';
import type { TrainCallbacks, TrainingHandle } from './types.ts';

function send(message: FromTrainer): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/**
 * Training yields the cores to whatever the musician is doing now (generation, the jam): a
 * lower OS priority for this process. Set before any worker starts, so they inherit it (on
 * Linux the nice value is per thread and new threads copy their creator's).
 */
const TRAINING_NICE = 5;

function lowerPriority(): void {
  try {
    // Nice 5: below the studio and the musician's other programs, yet not starved on a busy
    // machine (nice 10 made a run several times slower there). Windows maps it to below normal.
    os.setPriority(TRAINING_NICE);
  } catch {
    // Not allowed here (some sandboxes): train at normal priority.
  }
}
lowerPriority();

// Bundled (the built app): worker entries (the second training thread) are sibling `.js` files.
if (import.meta.url.endsWith('.js')) {
  setWorkerEntryResolver((entry) => new URL(`./${path.basename(entry.pathname, '.ts')}.js`, import.meta.url));
}

let handle: TrainingHandle | null = null;
let stopAsked = false;
/** Estimate mode runs once; a second request is ignored (the caller starts one process per estimate). */
let estimating = false;

function stop(): void {
  // A timing has nothing to save: it just ends (the caller gave up on it, or went away).
  if (estimating) process.exit(0);
  stopAsked = true;
  handle?.stop();
}

// Ctrl-C reaches the whole process group: stop cleanly (checkpoint) instead of dying.
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.on('disconnect', stop);

process.on('message', (raw: unknown) => {
  const parsed = ToTrainerSchema.safeParse(raw);
  if (!parsed.success) {
    void send({ type: 'log', message: `Ignored a malformed message: ${z.prettifyError(parsed.error)}` });
    return;
  }
  const message: ToTrainer = parsed.data;
  if (message.type === 'start' && !handle && !estimating) {
    const callbacks: TrainCallbacks = {
      onProgress: (progress) => void send({ type: 'progress', progress }),
      onEpoch: (metrics) => void send({ type: 'epoch', metrics }),
      onLog: (text) => void send({ type: 'log', message: text }),
    };
    const { request } = message;
    try {
      handle =
        request.kind === 'train'
          ? startTraining(request.options, callbacks)
          : resumeTraining(request.modelDir, request.overrides ?? {}, callbacks);
    } catch (error) {
      void finish({ type: 'error', message: error instanceof Error ? error.message : String(error) });
      return;
    }
    if (stopAsked) handle.stop();
    handle.done.then(
      (result) => finish({ type: 'done', result }),
      (error: unknown) =>
        finish({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  } else if (message.type === 'estimate' && !handle && !estimating) {
    estimating = true;
    timeTrainingSteps(message.request, (text) => void send({ type: 'log', message: text })).then(
      (timing) => finish({ type: 'estimated', timing }),
      (error: unknown) =>
        finish({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  } else if (message.type === 'pause') handle?.pause();
  else if (message.type === 'resume') handle?.resume();
  else if (message.type === 'stop') stop();
  else if (message.type === 'yield') handle?.yieldCores?.(message.busy === true);
});

async function finish(message: FromTrainer): Promise<void> {
  await send(message);
  process.exit(message.type === 'error' ? 1 : 0);
}
