import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newDatasetId, newJobId, newModelId } from '../../src/main/app/jobs/new_ids.ts';
import type { DatasetService } from '../../src/main/app/datasets_service.ts';
import {
  DatasetIdSchema,
  JobIdSchema,
  ModelIdSchema,
  requests,
  type DatasetId,
  type JobId,
  type ModelId,
  type ParsedPayloadOf,
} from '../../src/shared/ipc/index.ts';

describe('branded ids', () => {
  it('are the same text on the wire: uuids pass, path-like text does not', () => {
    const uuid = randomUUID();
    for (const schema of [DatasetIdSchema, ModelIdSchema, JobIdSchema]) {
      expect(schema.parse(uuid)).toBe(uuid);
      expect(schema.safeParse('../etc').success).toBe(false);
      expect(schema.safeParse('').success).toBe(false);
    }
    const model = newModelId();
    expect(requests['models.get'].payload.parse({ id: model })).toEqual({ id: model });
    expect(new Set([newJobId(), newJobId(), newDatasetId()]).size).toBe(3);
  });

  it('tell datasets, models and jobs apart to the type checker', () => {
    const dataset: DatasetId = newDatasetId();
    const model: ModelId = newModelId();
    const job: JobId = newJobId();
    // @ts-expect-error a dataset id is no model id
    const notModel: ModelId = dataset;
    // @ts-expect-error a model id is no job id
    const notJob: JobId = model;
    // @ts-expect-error nor is a plain string, once parsed payloads carry the brand
    const notDataset: DatasetId = 'plain';
    // @ts-expect-error a parsed `models.get` payload needs a model id
    const payload: ParsedPayloadOf<'models.get'> = { id: dataset };
    // Host services take the branded ids (a compile-time check: never called).
    const uses = (service: DatasetService) => {
      // @ts-expect-error DatasetService.get wants a DatasetId
      void service.get(model);
      void service.get(dataset);
      // @ts-expect-error DatasetService.cancel wants a JobId
      void service.cancel(dataset);
    };
    // A branded id is still a string wherever any text is fine.
    const text: string = job;
    expect([notModel, notJob, notDataset, payload.id, text, typeof uses]).toEqual([
      dataset,
      model,
      'plain',
      dataset,
      job,
      'function',
    ]);
  });
});
