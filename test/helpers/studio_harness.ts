import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStudioCore, type StudioCore } from '../../src/main/app/studio_core.ts';
import { forkLauncher } from '../../src/main/engine/host/engine_process.ts';
import { dispatch, type EventName, type Method, type ResultOf } from '../../src/shared/ipc/index.ts';

/** One event the host broadcast to the UI. */
export interface BroadcastEvent {
  event: EventName;
  payload: Record<string, unknown>;
}

/** The host core with a real forked engine process, in a temp data folder, for engine tests. */
export interface StudioHarness {
  core: StudioCore;
  dataDir: string;
  /** Every event broadcast so far, in order. */
  events: BroadcastEvent[];
  /** Runs a request through the contract and returns its result (throws on an error response). */
  call<M extends Method>(method: M, payload: unknown): Promise<ResultOf<M>>;
  /** Waits for the first `event` of job `jobId`. */
  eventFor(event: EventName, jobId: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Starts the host core and its engine process; `close` stops both and removes the data folder. */
export async function startStudioHarness(prefix: string): Promise<StudioHarness> {
  const dataDir = mkdtempSync(path.join(tmpdir(), prefix));
  const events: BroadcastEvent[] = [];
  const core = await startStudioCore({
    version: '9.9.9',
    transport: 'websocket',
    dataDir,
    launcher: forkLauncher(),
    broadcast: (event, payload) => events.push({ event, payload: payload as Record<string, unknown> }),
  });
  return {
    core,
    dataDir,
    events,
    async call(method, payload) {
      const response = await dispatch(core.handlers, method, payload);
      if (!response.ok) throw new Error(`${method}: ${response.error.code}: ${response.error.message}`);
      return response.result as ResultOf<typeof method>;
    },
    async eventFor(event, jobId, timeoutMs = 90_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const hit = events.find((e) => e.event === event && e.payload.jobId === jobId);
        if (hit) return hit.payload;
        if (Date.now() > end) throw new Error(`no ${event} event for ${jobId}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
