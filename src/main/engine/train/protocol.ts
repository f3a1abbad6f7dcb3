import type { EpochMetrics } from '../model/meta.ts';
import type { TrainProgress, TrainRequest, TrainResult } from './types.ts';

/** Messages from the caller to the training process. */
export type ToTrainer =
  | { type: 'start'; request: TrainRequest }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'yield'; busy: boolean };

/** Messages from the training process to the caller. */
export type FromTrainer =
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'log'; message: string }
  | { type: 'done'; result: TrainResult }
  | { type: 'error'; message: string };

/** True when `value` looks like a message of the training process. */
export function isFromTrainer(value: unknown): value is FromTrainer {
  return (
    typeof value === 'object' &&
    value !== null &&
    ['progress', 'epoch', 'log', 'done', 'error'].includes((value as { type?: unknown }).type as string)
  );
}
