import { describe, expect, it } from 'vitest';
import { JobRegistry } from '../../src/main/engine/host/jobs.ts';
import { trainingHandlers, type TrainingLauncher } from '../../src/main/engine/host/handlers/training.ts';
import { ForegroundActivity } from '../../src/main/engine/host/studio/foreground.ts';
import { RunControl } from '../../src/main/engine/train/control.ts';
import type { TrainResult } from '../../src/main/engine/train/types.ts';
import { JobIdSchema, ModelIdSchema } from '../../src/shared/ipc/index.ts';

describe('training yields a core to generations', () => {
  it('tracks foreground jobs and says when it becomes busy or idle', () => {
    const activity = new ForegroundActivity();
    const seen: boolean[] = [];
    activity.onChange((busy) => seen.push(busy));
    activity.begin('a');
    activity.begin('b');
    activity.end('a');
    expect(activity.busy).toBe(true);
    activity.end('b');
    activity.end('b');
    expect(seen).toEqual([true, false]);
  });

  it('tells running training jobs, and jobs started meanwhile, to train on one core', () => {
    const foreground = new ForegroundActivity();
    const controls: RunControl[] = [];
    // The run control a real training session polls before each step.
    const launch: TrainingLauncher = () => {
      const control = new RunControl();
      controls.push(control);
      return control.handle(new Promise<TrainResult>(() => undefined));
    };
    const context = { emit: () => undefined, jobs: new JobRegistry() };
    const handlers = trainingHandlers(context, launch, foreground);
    const job = (jobId: string) => ({
      jobId: JobIdSchema.parse(jobId),
      modelId: ModelIdSchema.parse(`${jobId}-model`),
      modelDir: `/tmp/${jobId}`,
      name: jobId,
      paths: ['/tmp/x.abc'],
      codec: 'abc' as const,
      cacheDir: '/tmp/cache',
      architecture: { kind: 'preset' as const, preset: 'sketch' as const },
      epochs: 1,
    });
    void handlers['training.start'](job('one'));
    expect(controls[0].coresYielded).toBe(false);
    foreground.begin('generation-1');
    expect(controls[0].coresYielded).toBe(true);
    void handlers['training.start'](job('two'));
    expect(controls[1].coresYielded).toBe(true);
    foreground.end('generation-1');
    expect(controls.map((c) => c.coresYielded)).toEqual([false, false]);
  });
});
