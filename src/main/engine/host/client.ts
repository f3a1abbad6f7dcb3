import {
  EngineMessageSchema,
  IpcError,
  describeIssues,
  engineEvents,
  engineRequests,
  type EngineEventName,
  type EngineEventPayloadOf,
  type EngineMethod,
  type EnginePayloadOf,
  type EngineResultOf,
  type EngineStatus,
  type Response,
} from '../../../shared/ipc/index.ts';
import type { EngineLauncher, EngineProcess } from './engine_process.ts';

/** Stops listening. */
export type Unsubscribe = () => void;

/** Options of `EngineClient`. */
export interface EngineClientOptions {
  launcher: EngineLauncher;
  /** First wait before a restart after a crash (doubles on each quick crash, up to `maxRestartDelayMs`). */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** A process that ran this long before crashing restarts after the first delay again. */
  stableAfterMs?: number;
}

interface Pending {
  resolve: (response: Response) => void;
}

type EventListener = (event: EngineEventName, payload: unknown) => void;

/**
 * The host's handle on the engine process (Electron main and the web host share it): starts
 * it, forwards requests and routes its events, both validated with the engine contract. When
 * the process dies, requests in flight fail with `engine_unavailable`, `engine.status` goes
 * `crashed` then `restarting`, and a new process starts; requests made meanwhile wait for it.
 */
export class EngineClient {
  private process: EngineProcess | undefined;
  private ready = false;
  private stopped = false;
  private readonly pending = new Map<number, Pending>();
  /** Requests made while no process is ready: sent once one is. */
  private readonly queue: Array<{ run: () => void; resolve: (response: Response) => void }> = [];
  private readonly eventListeners = new Set<EventListener>();
  private readonly statusListeners = new Set<(status: EngineStatus) => void>();
  private nextId = 1;
  private quickCrashes = 0;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private current: EngineStatus = { state: 'stopped', restarts: 0 };

  constructor(private readonly options: EngineClientOptions) {}

  /** The engine's state now. */
  get status(): EngineStatus {
    return { ...this.current };
  }

  /** The engine process id, while one runs. */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Starts the engine process (once; later crashes restart it on their own). */
  start(): void {
    if (this.process || this.stopped) return;
    this.spawn('starting');
  }

  /** Sends a request; resolves with its validated result or rejects with an `IpcError`. */
  async request<M extends EngineMethod>(method: M, payload: EnginePayloadOf<M>): Promise<EngineResultOf<M>> {
    const spec = engineRequests[method];
    const parsed = spec.payload.safeParse(payload);
    if (!parsed.success) {
      throw new IpcError({
        code: 'bad_payload',
        message: `Invalid payload for ${method}`,
        issues: describeIssues(parsed.error),
      });
    }
    const response = await this.send(method, parsed.data);
    if (!response.ok) throw new IpcError(response.error);
    const checked = spec.result.safeParse(response.result);
    if (!checked.success) {
      throw new IpcError({
        code: 'internal',
        message: `${method}: the engine's result breaks the contract`,
        issues: describeIssues(checked.error),
      });
    }
    return checked.data as EngineResultOf<M>;
  }

  /** Cancels a job running in the engine; false when it was not running. */
  async cancel(jobId: string): Promise<boolean> {
    return (await this.request('jobs.cancel', { jobId })).cancelled;
  }

  /** Listens to one engine event; payloads that break the contract are dropped. */
  on<E extends EngineEventName>(event: E, listener: (payload: EngineEventPayloadOf<E>) => void): Unsubscribe {
    const wrapped: EventListener = (name, payload) => {
      if (name === event) listener(payload as EngineEventPayloadOf<E>);
    };
    this.eventListeners.add(wrapped);
    return () => this.eventListeners.delete(wrapped);
  }

  /** Listens to status changes (starting, running, crashed, restarting, stopped). */
  onStatus(listener: (status: EngineStatus) => void): Unsubscribe {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Stops the engine for good: no restart; waiting and later requests fail. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    const child = this.process;
    this.failAll('The engine was stopped');
    this.setStatus({ state: 'stopped', restarts: this.current.restarts });
    if (!child) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 3000);
      child.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      child.kill();
    });
  }

  private send(method: string, payload: unknown): Promise<Response> {
    if (this.stopped) return Promise.resolve(unavailable('The engine is stopped'));
    return new Promise<Response>((resolve) => {
      const id = this.nextId++;
      const go = (): void => {
        this.pending.set(id, { resolve });
        this.process?.send({ type: 'request', id, method, payload });
      };
      if (this.ready) go();
      else this.queue.push({ run: go, resolve });
      if (!this.process && !this.restartTimer) this.start();
    });
  }

  private spawn(state: 'starting' | 'restarting'): void {
    this.ready = false;
    this.startedAt = Date.now();
    this.setStatus({ state, restarts: this.current.restarts });
    const child = this.options.launcher();
    this.process = child;
    child.onMessage((message) => {
      if (this.process === child) this.onMessage(message);
    });
    child.onExit((code, signal) => {
      if (this.process === child) this.onExit(code, signal);
    });
  }

  private onMessage(raw: unknown): void {
    const message = EngineMessageSchema.safeParse(raw);
    if (!message.success) return;
    const data = message.data;
    if (data.type === 'ready') {
      this.ready = true;
      this.setStatus({ state: 'running', restarts: this.current.restarts });
      for (const queued of this.queue.splice(0)) queued.run();
      return;
    }
    if (data.type === 'response') {
      const pending = this.pending.get(data.id);
      this.pending.delete(data.id);
      pending?.resolve(data.response);
      return;
    }
    if (!Object.prototype.hasOwnProperty.call(engineEvents, data.event)) return;
    const event = data.event as EngineEventName;
    const checked = engineEvents[event].safeParse(data.payload);
    if (!checked.success) return;
    for (const listener of this.eventListeners) listener(event, checked.data);
  }

  private onExit(code: number | null, signal: string | null): void {
    this.process = undefined;
    this.ready = false;
    if (this.stopped) return;
    const message = signal
      ? `The engine process was killed (${signal})`
      : `The engine process exited (code ${code})`;
    this.failPending(message);
    this.setStatus({ state: 'crashed', restarts: this.current.restarts, message });
    const ranLong = Date.now() - this.startedAt >= (this.options.stableAfterMs ?? 10_000);
    this.quickCrashes = ranLong ? 1 : this.quickCrashes + 1;
    const first = this.options.restartDelayMs ?? 250;
    const delay = Math.min(first * 2 ** (this.quickCrashes - 1), this.options.maxRestartDelayMs ?? 5000);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopped) return;
      this.current = { ...this.current, restarts: this.current.restarts + 1 };
      this.spawn('restarting');
    }, delay);
  }

  /** Fails requests already sent (their answer died with the process); queued ones wait for the restart. */
  private failPending(message: string): void {
    for (const pending of this.pending.values()) pending.resolve(unavailable(message));
    this.pending.clear();
  }

  private failAll(message: string): void {
    this.failPending(message);
    for (const queued of this.queue.splice(0)) queued.resolve(unavailable(message));
  }

  private setStatus(status: EngineStatus): void {
    this.current = status;
    for (const listener of this.statusListeners) listener({ ...status });
  }
}

function unavailable(message: string): Response {
  return { ok: false, error: { code: 'engine_unavailable', message } };
}
