import { startProcess, type ChildEntryProcess } from '../runtime/process_launch.ts';
import { isFromTrainer, type ToTrainer } from './protocol.ts';
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
      } else {
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
