import { randomUUID } from 'node:crypto';
import {
  DatasetIdSchema,
  JobIdSchema,
  ModelIdSchema,
  type DatasetId,
  type JobId,
  type ModelId,
} from '../../../shared/ipc/index.ts';

/** A new job's id (a random UUID, which is a valid id). */
export function newJobId(): JobId {
  return JobIdSchema.parse(randomUUID());
}

/** The id a new dataset gets. */
export function newDatasetId(): DatasetId {
  return DatasetIdSchema.parse(randomUUID());
}

/** The id a new model gets. */
export function newModelId(): ModelId {
  return ModelIdSchema.parse(randomUUID());
}
