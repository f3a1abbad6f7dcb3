/**
 * A fake Web MIDI for Playwright: `navigator.requestMIDIAccess` (injected with `addInitScript`
 * before the page loads) gives one input to drive and one output that records every `send()`
 * with its timestamp; ports can be added and removed while the page runs (hot-plug). The
 * studio's real webmidi code runs on top of it unchanged.
 */
import type { Page } from '@playwright/test';

/** One recorded `send()`: the bytes, the timestamp given (0 = now) and when it was called (performance.now). */
export interface SentMessage {
  port: string;
  data: number[];
  timestamp: number;
  at: number;
}

/** When a sent message takes effect: its timestamp, or the call time for "now". */
export function effectiveTime(message: SentMessage): number {
  return message.timestamp > 0 ? message.timestamp : message.at;
}

/** What the fake exposes on `window.__fakeMidi` (driven through `page.evaluate`). */
export interface FakeMidiControl {
  sent: SentMessage[];
  /** Delivers bytes on an input with their own timestamp (performance.now timebase). */
  emit(portId: string, data: number[], timeStamp: number): void;
  addPort(type: 'input' | 'output', id: string, name: string): void;
  removePort(id: string): void;
  /** Rejects the next `requestMIDIAccess` (as a refused permission does). */
  refuse: boolean;
}

/** The page's global with the fake on it (page code is typed without DOM types here). */
export type FakeMidiGlobal = { __fakeMidi: FakeMidiControl };

/** The fake's control object, inside page code. */
export function fakeMidiIn(global: unknown): FakeMidiControl {
  return (global as FakeMidiGlobal).__fakeMidi;
}

/** The fake's default ports. */
export const FAKE_INPUT = { id: 'fake-in-1', name: 'Fake Keys' };
export const FAKE_OUTPUT = { id: 'fake-out-1', name: 'Fake Synth' };

/** The script run in the page before anything else (kept self-contained: it is serialised). */
function fakeMidiScript(defaults: {
  input: { id: string; name: string };
  output: { id: string; name: string };
}): void {
  type Listener = ((event: unknown) => void) | null;
  interface FakePort {
    id: string;
    name: string;
    manufacturer: string;
    version: string;
    type: 'input' | 'output';
    state: 'connected' | 'disconnected';
    connection: 'open' | 'closed' | 'pending';
    onstatechange: Listener;
    onmidimessage?: Listener;
    open(): Promise<FakePort>;
    close(): Promise<FakePort>;
    send?(data: ArrayLike<number>, timestamp?: number): void;
    clear?(): void;
    addEventListener(): void;
    removeEventListener(): void;
  }
  const inputs = new Map<string, FakePort>();
  const outputs = new Map<string, FakePort>();
  const access = {
    inputs,
    outputs,
    sysexEnabled: false,
    onstatechange: null as Listener,
    addEventListener() {},
    removeEventListener() {},
  };
  const sent: { port: string; data: number[]; timestamp: number; at: number }[] = [];
  function makePort(type: 'input' | 'output', id: string, name: string): FakePort {
    const port: FakePort = {
      id,
      name,
      manufacturer: 'Continuo tests',
      version: '1',
      type,
      state: 'connected',
      connection: 'open',
      onstatechange: null,
      open: () => Promise.resolve(port),
      close: () => Promise.resolve(port),
      addEventListener() {},
      removeEventListener() {},
    };
    if (type === 'input') port.onmidimessage = null;
    else
      port.send = (data, timestamp) => {
        sent.push({ port: id, data: Array.from(data), timestamp: timestamp ?? 0, at: performance.now() });
      };
    return port;
  }
  function announce(port: FakePort): void {
    const event = { port };
    access.onstatechange?.(event);
    port.onstatechange?.(event);
  }
  inputs.set(defaults.input.id, makePort('input', defaults.input.id, defaults.input.name));
  outputs.set(defaults.output.id, makePort('output', defaults.output.id, defaults.output.name));
  const control = {
    sent,
    refuse: false,
    emit(portId: string, data: number[], timeStamp: number) {
      const port = inputs.get(portId);
      if (!port) throw new Error(`no fake input ${portId}`);
      port.onmidimessage?.({ data: new Uint8Array(data), timeStamp, target: port });
    },
    addPort(type: 'input' | 'output', id: string, name: string) {
      const port = makePort(type, id, name);
      (type === 'input' ? inputs : outputs).set(id, port);
      announce(port);
    },
    removePort(id: string) {
      const port = inputs.get(id) ?? outputs.get(id);
      if (!port) return;
      inputs.delete(id);
      outputs.delete(id);
      port.state = 'disconnected';
      port.connection = 'pending';
      announce(port);
    },
  };
  const page = globalThis as unknown as {
    navigator: object;
    DOMException: new (m: string, n: string) => Error;
  };
  Object.defineProperty(globalThis, '__fakeMidi', { value: control });
  Object.defineProperty(page.navigator, 'requestMIDIAccess', {
    configurable: true,
    value: (options?: { sysex?: boolean }) => {
      if (control.refuse || options?.sysex)
        return Promise.reject(new page.DOMException('MIDI access denied', 'NotAllowedError'));
      return Promise.resolve(access);
    },
  });
}

/** Installs the fake on a page (call before `page.goto`). */
export async function installFakeMidi(page: Page): Promise<void> {
  // As source text, with a stand-in for the `__name` helper some TypeScript runners (tsx) insert.
  const defaults = JSON.stringify({ input: FAKE_INPUT, output: FAKE_OUTPUT });
  await page.addInitScript({
    content: `(() => { const __name = (f) => f; (${fakeMidiScript.toString()})(${defaults}); })();`,
  });
}

/** Delivers a burst of messages, each with its own timestamp, in one page call. */
export async function emitBurst(
  page: Page,
  messages: readonly { data: number[]; time: number }[],
  portId = FAKE_INPUT.id,
): Promise<void> {
  await page.evaluate(
    ({ messages, portId }) => {
      const fake = (globalThis as unknown as FakeMidiGlobal).__fakeMidi;
      for (const m of messages) fake.emit(portId, m.data, m.time);
    },
    { messages, portId },
  );
}

/** Everything sent to the fake outputs so far. */
export function sentMessages(page: Page): Promise<SentMessage[]> {
  return page.evaluate(() =>
    (globalThis as unknown as FakeMidiGlobal).__fakeMidi.sent.map((m) => ({ ...m, data: [...m.data] })),
  );
}

/** The page's performance.now(). */
export function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}
