import { startProcess, type ChildEntryProcess } from '../runtime/process_launch.ts';
import {
  isFromTrainer,
  StepTimingSchema,
  type StepTiming,
  type StepTimingRequest,
  type ToTrainer,
} from './protocol.ts';
import type { TrainCallbacks, TrainingHandle, TrainRequest, TrainResult } from './types.ts';

/** The training process entry in the sources (a built app maps it with `setProcessLauncher`). */
export const TRAIN_PROCESS_ENTRY = new URL('./process_main.ts', import.meta.url);

/** Describes how a process ended, for the error message. */
function deathReason(code: number | null, signal: string | null): string {
  if (signal === 'SIGKILL') return 'killed by SIGKILL (out of memory, or killed by the user)';
  if (signal) return `killed by ${signal}`;
  if (code === 134 || code === 137) return `exit code ${code} (out of memory?)`;
  return `exit code ${code}`;
}

/**
 * Runs a training job (new or resumed) in its own process; progress, epochs and logs arrive
 * through `callbacks`. `done` rejects with a clear Error when the job fails or the process
 * dies (out of memory, native crash, killed): the caller itself never goes down.
 */
export function startTrainingProcess(
  request: TrainRequest,
  callbacks: TrainCallbacks = {},
  entry: URL = TRAIN_PROCESS_ENTRY,
): TrainingHandle & { readonly pid: number | undefined } {
  const child: ChildEntryProcess = startProcess(entry);
  const post = (message: ToTrainer): void => child.send(message);
  const done = new Promise<TrainResult>((resolve, reject) => {
    let settled = false;
    child.onMessage((message) => {
      if (!isFromTrainer(message)) return;
      if (message.type === 'progress') callbacks.onProgress?.(message.progress);
      else if (message.type === 'epoch') callbacks.onEpoch?.(message.metrics);
      else if (message.type === 'log') callbacks.onLog?.(message.message);
      else if (message.type === 'done') {
        settled = true;
        resolve(message.result);
      } else if (message.type === 'error') {
        settled = true;
        reject(new Error(message.message));
      }
    });
    child.onExit((code, signal) => {
      if (!settled)
        reject(new Error(`The training process ended unexpectedly: ${deathReason(code, signal)}`));
    });
  });
  post({ type: 'start', request });
  return {
    pid: child.pid,
    pause: () => post({ type: 'pause' }),
    resume: () => post({ type: 'resume' }),
    stop: () => post({ type: 'stop' }),
    yieldCores: (busy) => post({ type: 'yield', busy }),
    done,
  };
}

/**
 * Times training steps of a model size in a short-lived training process (estimate mode), so
 * the caller's thread stays free. Rejects with a clear Error when the timing fails, the
 * process dies, `signal` aborts (the process is killed: a step may be mid-way) or
 * `timeoutMs` passes.
 */
export function timeStepsInProcess(
  request: StepTimingRequest,
  options: { signal?: AbortSignal; timeoutMs?: number; entry?: URL } = {},
): Promise<StepTiming> {
  const { signal, timeoutMs = 120_000, entry = TRAIN_PROCESS_ENTRY } = options;
  if (signal?.aborted) return Promise.reject(new Error('The estimate was cancelled'));
  const child: ChildEntryProcess = startProcess(entry);
  return new Promise<StepTiming>((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | null, timing?: StepTiming): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
      if (error) {
        child.kill('SIGKILL');
        reject(error);
      } else if (timing) resolve(timing);
    };
    const cancel = (): void => settle(new Error('The estimate was cancelled'));
    const timer = setTimeout(
      () => settle(new Error(`timing took longer than the ${timeoutMs / 1000} s allowed`)),
      timeoutMs,
    );
    signal?.addEventListener('abort', cancel, { once: true });
    child.onMessage((message) => {
      if (!isFromTrainer(message)) return;
      if (message.type === 'estimated') {
        // A process boundary: the answer is checked, not trusted.
        const parsed = StepTimingSchema.safeParse(message.timing);
        settle(
          parsed.success ? null : new Error('the training process sent a malformed timing'),
          parsed.data,
        );
      } else if (message.type === 'error') settle(new Error(message.message));
    });
    child.onExit((code, signal) =>
      settle(new Error(`the training process ended unexpectedly: ${deathReason(code, signal)}`)),
    );
    child.send({ type: 'estimate', request } satisfies ToTrainer);
  });
}
