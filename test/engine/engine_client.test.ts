import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient } from '../../src/main/engine/host/client.ts';
import { forkLauncher } from '../../src/main/engine/host/engine_process.ts';
import {
  EngineMessageSchema,
  IpcError,
  type EngineEventName,
  type EngineEventPayloadOf,
  type EngineStatus,
} from '../../src/shared/ipc/index.ts';
import { sharedData } from '../helpers/data.ts';

let work: string;
let client: EngineClient;
const statuses: EngineStatus[] = [];

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'continuo-engine-'));
  copyFileSync(sharedData('nottingham', 'MIDI', 'jigs1.mid'), path.join(work, 'jigs1.mid'));
  writeFileSync(path.join(work, 'broken.mid'), 'this is not a MIDI file');
  client = new EngineClient({ launcher: forkLauncher(), restartDelayMs: 50 });
  client.onStatus((status) => statuses.push(status));
  client.start();
});

afterAll(async () => {
  await client.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Resolves with the first `event` whose payload matches `jobId`. */
function next<E extends EngineEventName>(
  event: E,
  match: (payload: EngineEventPayloadOf<E>) => boolean,
): Promise<EngineEventPayloadOf<E>> {
  return new Promise((resolve) => {
    const stop = client.on(event, (payload) => {
      if (!match(payload)) return;
      stop();
      resolve(payload);
    });
  });
}

async function waitForState(state: EngineStatus['state'], from: number): Promise<void> {
  const end = Date.now() + 30_000;
  while (!statuses.slice(from).some((status) => status.state === state)) {
    if (Date.now() > end) throw new Error(`no ${state} status; saw ${JSON.stringify(statuses.slice(from))}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('EngineClient with a real forked engine', () => {
  it('imports a folder with a good and a bad file: progress, figures and a per-file error', async () => {
    const jobId = 'job-good-bad';
    const progress: number[] = [];
    client.on('datasets.progress', (event) => {
      if (event.jobId === jobId) progress.push(event.done);
    });
    const imported = next('datasets.imported', (event) => event.jobId === jobId);
    const answer = await client.request('datasets.import', {
      jobId,
      paths: [work],
      codec: 'performance',
      cacheDir: path.join(work, 'cache'),
    });
    expect(answer).toEqual({ jobId });
    const { dataset } = await imported;
    expect(dataset.stats.files).toBe(2);
    expect(dataset.stats.items).toBe(1);
    expect(dataset.stats.notes).toBeGreaterThan(100);
    expect(dataset.stats.tokens).toBeGreaterThan(dataset.stats.notes);
    expect(dataset.errors).toHaveLength(1);
    expect(dataset.errors[0].file).toBe(path.join(work, 'broken.mid'));
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(2);
    expect(statuses.some((status) => status.state === 'running')).toBe(true);
  });

  it('rejects a bad payload with a typed error before it reaches the engine', async () => {
    const bad = client.request('datasets.import', {
      jobId: '../escape',
      paths: [],
      codec: 'mp3',
    } as never);
    await expect(bad).rejects.toBeInstanceOf(IpcError);
    await expect(bad).rejects.toMatchObject({ code: 'bad_payload' });
  });

  it('reports a crash when the engine is killed mid-import, restarts it, and the next request works', async () => {
    const firstPid = client.pid!;
    const from = statuses.length;
    const jobId = 'job-killed';
    const started = next('datasets.progress', (event) => event.jobId === jobId);
    await client.request('datasets.import', {
      jobId,
      paths: [sharedData('maestro', '2004')],
      codec: 'performance',
      cacheDir: path.join(work, 'cache-killed'),
    });
    expect((await started).total).toBe(132);
    process.kill(firstPid, 'SIGKILL');

    await waitForState('crashed', from);
    const crashed = statuses.slice(from).find((status) => status.state === 'crashed')!;
    expect(crashed.message).toContain('SIGKILL');
    await waitForState('running', from);
    const states = statuses.slice(from).map((status) => status.state);
    expect(states.indexOf('restarting')).toBeGreaterThan(states.indexOf('crashed'));
    expect(client.status).toMatchObject({ state: 'running', restarts: 1 });

    const ping = await client.request('engine.ping', {});
    expect(ping.pid).not.toBe(firstPid);
    expect(await client.cancel(jobId)).toBe(false);

    const jobAfter = 'job-after-restart';
    const imported = next('datasets.imported', (event) => event.jobId === jobAfter);
    await client.request('datasets.import', {
      jobId: jobAfter,
      paths: [path.join(work, 'jigs1.mid')],
      codec: 'performance',
      cacheDir: path.join(work, 'cache'),
    });
    expect((await imported).dataset.stats.items).toBe(1);
  });

  it('keeps the host event loop free while the engine imports a whole MAESTRO folder', async () => {
    const jobId = 'job-maestro';
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    const imported = next('datasets.imported', (event) => event.jobId === jobId);
    await client.request('datasets.import', {
      jobId,
      paths: [sharedData('maestro', '2004')],
      codec: 'performance',
      cacheDir: path.join(work, 'cache-maestro'),
    });
    const { dataset } = await imported;
    lag.disable();
    const maxMs = lag.max / 1e6;
    const p99Ms = lag.percentile(99) / 1e6;
    console.log(
      `MAESTRO 2004 in the engine: ${dataset.seconds.toFixed(1)} s; host loop lag p99 ${p99Ms.toFixed(1)} ms, max ${maxMs.toFixed(1)} ms`,
    );
    expect(dataset.stats.items).toBe(132);
    // Alone this measures about 12 ms max; the lag also counts OS scheduling when other test
    // processes share the 2 cores, so the hard bound is on p99 and the max only catches real blocking.
    expect(p99Ms).toBeLessThan(50);
    expect(maxMs).toBeLessThan(150);
  });

  it('cancels a running import', async () => {
    const jobId = 'job-cancelled';
    const started = next('datasets.progress', (event) => event.jobId === jobId);
    const ended = next('job.ended', (event) => event.jobId === jobId);
    await client.request('datasets.import', {
      jobId,
      paths: [sharedData('maestro', '2004')],
      codec: 'performance',
      cacheDir: path.join(work, 'cache-cancelled'),
    });
    await started;
    expect(await client.cancel(jobId)).toBe(true);
    expect(await ended).toMatchObject({ outcome: 'cancelled' });
  });
});

describe('the engine process itself', () => {
  it('answers a raw request with a bad payload with a typed bad_payload error', async () => {
    const engine = forkLauncher()();
    try {
      const messages: unknown[] = [];
      engine.onMessage((message) => messages.push(message));
      const parsed = () => messages.map((message) => EngineMessageSchema.parse(message));
      const end = Date.now() + 30_000;
      while (!parsed().some((message) => message.type === 'ready')) {
        if (Date.now() > end) throw new Error('the engine never said ready');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      engine.send({ type: 'request', id: 7, method: 'datasets.import', payload: { paths: 'x' } });
      engine.send({ type: 'request', id: 8, method: 'no.such.method', payload: {} });
      while (parsed().filter((message) => message.type === 'response').length < 2) {
        if (Date.now() > end) throw new Error('no responses');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const responses = parsed().filter((message) => message.type === 'response');
      expect(responses).toContainEqual(
        expect.objectContaining({
          id: 7,
          response: expect.objectContaining({ error: expect.objectContaining({ code: 'bad_payload' }) }),
        }),
      );
      expect(responses).toContainEqual(
        expect.objectContaining({
          id: 8,
          response: expect.objectContaining({ error: expect.objectContaining({ code: 'unknown_method' }) }),
        }),
      );
    } finally {
      engine.kill();
    }
  });
});
