import { describe, expect, it } from 'vitest';
import { JobTracker, type JobEngine } from '../../src/main/app/jobs/job_tracker.ts';
import {
  JobIdSchema,
  type EngineEventName,
  type EngineStatus,
  type JobId,
} from '../../src/shared/ipc/index.ts';

/**
 * A stand-in for the engine client's event side (the tracker's only dependency): tests push
 * engine events and status changes into it and see what the tracker does with them.
 */
class FakeEngine implements JobEngine {
  readonly cancelled: string[] = [];
  private readonly listeners = new Map<string, Set<(payload: never) => void>>();
  private readonly statusListeners = new Set<(status: EngineStatus) => void>();

  on: JobEngine['on'] = (event, listener) => {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as (payload: never) => void);
    this.listeners.set(event, set);
    return () => set.delete(listener as (payload: never) => void);
  };

  onStatus: JobEngine['onStatus'] = (listener) => {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  };

  cancel: JobEngine['cancel'] = (jobId) => {
    this.cancelled.push(jobId);
    return Promise.resolve(true);
  };

  emit(event: EngineEventName, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (p: unknown) => void)(payload);
  }

  status(status: EngineStatus): void {
    for (const listener of this.statusListeners) listener(status);
  }
}

/** A job id from a short name. */
const id = (name: string): JobId => JobIdSchema.parse(name);

const progress = (jobId: string, done: number) => ({
  jobId,
  done,
  total: 4,
  file: 'a.mid',
  etaSeconds: null,
});

describe('JobTracker', () => {
  it('forwards events of running jobs only, with the job the service remembered', async () => {
    const engine = new FakeEngine();
    const jobs = new JobTracker<{ name: string }>(engine, { onCrash: () => undefined });
    const seen: Array<[number, string]> = [];
    jobs.on('datasets.progress', (payload, job) => seen.push([payload.done, job.name]));

    await jobs.start(id('a'), { name: 'first' }, () => Promise.resolve());
    engine.emit('datasets.progress', progress('a', 1));
    engine.emit('datasets.progress', progress('someone-else', 2));
    expect(jobs.finish(id('a'))).toEqual({ name: 'first' });
    engine.emit('datasets.progress', progress('a', 3));

    expect(seen).toEqual([[1, 'first']]);
    expect(jobs.finish(id('a'))).toBeUndefined(); // an end is reported once
    expect(jobs.runningCount()).toBe(0);
  });

  it('forgets a job the engine refused to start, and keeps events that came before the answer', async () => {
    const engine = new FakeEngine();
    const jobs = new JobTracker<string>(engine, { onCrash: () => undefined });
    const seen: number[] = [];
    jobs.on('datasets.progress', (payload) => seen.push(payload.done));

    await expect(
      jobs.start(id('x'), 'job', () => Promise.reject(new Error('engine said no'))),
    ).rejects.toThrow('engine said no');
    expect(jobs.isRunning(id('x'))).toBe(false);

    await jobs.start(id('y'), 'job', () => {
      engine.emit('datasets.progress', progress('y', 1));
      return Promise.resolve();
    });
    expect(seen).toEqual([1]);
    await expect(jobs.start(id('y'), 'again', () => Promise.resolve())).rejects.toThrow(/already running/);
  });

  it('cancels through the engine only while the job runs', async () => {
    const engine = new FakeEngine();
    const jobs = new JobTracker<string>(engine, { onCrash: () => undefined });
    await jobs.start(id('a'), 'job', () => Promise.resolve());
    expect(await jobs.cancel(id('a'))).toBe(true);
    jobs.finish(id('a'));
    expect(await jobs.cancel(id('a'))).toBe(false);
    expect(await jobs.cancel(id('never'))).toBe(false);
    expect(engine.cancelled).toEqual(['a']);
  });

  it('ends every running job with the reason when the engine crashes, keeping what onCrash returns', async () => {
    const engine = new FakeEngine();
    const crashed: Array<[JobId, string, string]> = [];
    const jobs = new JobTracker<string, number[]>(engine, {
      keepFinished: 5,
      onCrash: (jobId, job, reason) => {
        crashed.push([jobId, job, reason]);
        return [];
      },
    });
    await jobs.start(id('a'), 'A', () => Promise.resolve());
    await jobs.start(id('b'), 'B', () => Promise.resolve());
    await jobs.start(id('c'), 'C', () => Promise.resolve());
    jobs.finish(id('c'), [1, 2]);

    engine.status({ state: 'running', restarts: 0 });
    expect(crashed).toEqual([]);
    engine.status({ state: 'crashed', restarts: 0, message: 'The engine process was killed (SIGKILL)' });

    expect(crashed).toEqual([
      ['a', 'A', 'The engine process was killed (SIGKILL)'],
      ['b', 'B', 'The engine process was killed (SIGKILL)'],
    ]);
    expect(jobs.runningCount()).toBe(0);
    expect(jobs.result(id('a'))).toEqual({ job: 'A', result: [] });
    expect(jobs.result(id('c'))).toEqual({ job: 'C', result: [1, 2] }); // finished before: untouched

    engine.status({ state: 'crashed', restarts: 1 });
    expect(crashed).toHaveLength(2); // nothing runs any more
  });

  it('keeps the last N finished results, oldest dropped first', async () => {
    const engine = new FakeEngine();
    const jobs = new JobTracker<string, string>(engine, { keepFinished: 2, onCrash: () => undefined });
    for (const name of ['a', 'b', 'c']) {
      await jobs.start(id(name), name.toUpperCase(), () => Promise.resolve());
      jobs.finish(id(name), `result ${name}`);
    }
    expect(jobs.knows(id('a'))).toBe(false);
    expect(jobs.result(id('b'))?.result).toBe('result b');
    expect(jobs.result(id('c'))).toEqual({ job: 'C', result: 'result c' });
    expect(jobs.knows(id('c'))).toBe(true);
  });

  it('keeps no results by default', async () => {
    const jobs = new JobTracker<string, string>(new FakeEngine(), { onCrash: () => undefined });
    await jobs.start(id('a'), 'A', () => Promise.resolve());
    jobs.finish(id('a'), 'done');
    expect(jobs.knows(id('a'))).toBe(false);
  });
});
