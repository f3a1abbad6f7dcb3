/**
 * Training API. In-process: `trainModel` / `startTraining` / `resumeTraining` (the studio's
 * engine process may host them directly). In a child process, so a crash or an out-of-memory
 * never takes the caller down: `startTrainingProcess`. Evaluation: `evaluateModel`.
 */
export { startTraining, resumeTraining, trainModel } from './session.ts';
export { startTrainingProcess } from './client.ts';
export { evaluateModel, type EvaluateOptions } from './evaluate.ts';
export { learningRateAt } from './schedule.ts';
export { readCheckpoint, CHECKPOINT_DIR, type Checkpoint, type CheckpointState } from './checkpoint.ts';
export type {
  EpochWeights,
  EvalResult,
  ResumeOverrides,
  TrainCallbacks,
  TrainingHandle,
  TrainModelOptions,
  TrainPhase,
  TrainProgress,
  TrainRequest,
  TrainResult,
  TrainStatus,
} from './types.ts';
