/**
 * MIDI latency in Chromium, through the real studio page on the web host, with a fake Web MIDI
 * (test/e2e/fake_midi.ts) standing in for the device:
 * - thru: from an input event's own timestamp to the output `send()` call and to the built-in
 *   piano's note start, idle and while the engine generates. Events are stamped, then delivered
 *   in a later task (as the browser delivers real MIDI), so they wait behind whatever the page
 *   is doing.
 * - jam: from the end of the silence window to the first answer note-on (its send timestamp),
 *   with a `standard` (2x256) performance model, random weights, on the engine's kernels.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { createCodec } from '../../main/engine/codecs/registry.ts';
import { Vocabulary } from '../../main/engine/codecs/vocabulary.ts';
import type { ModelMeta } from '../../main/engine/model/meta.ts';
import { presetArchitecture } from '../../main/engine/model/presets.ts';
import { saveModelFolder } from '../../main/engine/model/serialize.ts';
import {
  weightShapesFor,
  type TokenModelConfig,
  type WeightData,
} from '../../main/engine/model/token_model.ts';
import { Rng } from '../../main/engine/random/rng.ts';
import { percentile } from '../../renderer/src/lib/midi/latency.ts';
import {
  effectiveTime,
  FAKE_INPUT,
  FAKE_OUTPUT,
  installFakeMidi,
  type SentMessage,
} from '../../../test/e2e/fake_midi.ts';
import type { Benchmark, BenchFigures } from './benchmark.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHROMIUM = process.env['CONTINUO_CHROMIUM'] ?? '/usr/bin/chromium';
/** Thru notes per condition. */
const THRU_NOTES = 300;
/** Jam rounds (phrase, silence, answer). */
const JAM_ROUNDS = 20;
const SILENCE_MS = 600;

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Writes a standard performance model with Glorot-uniform random weights into `modelsDir/<id>`. */
async function writeStandardModel(modelsDir: string, id: string): Promise<void> {
  const codec = createCodec('performance');
  const vocabulary = Vocabulary.forCodec(codec);
  const config: TokenModelConfig = { vocabSize: vocabulary.size, ...presetArchitecture('standard') };
  const rng = new Rng(7);
  const weights: Record<string, WeightData> = {};
  for (const [name, shape] of Object.entries(weightShapesFor(config))) {
    const size = shape.reduce((a, b) => a * b, 1);
    const limit = shape.length === 2 ? Math.sqrt(6 / (shape[0] + shape[1])) : 0.1;
    weights[name] = { shape, data: Float32Array.from({ length: size }, () => (rng.next() * 2 - 1) * limit) };
  }
  const now = new Date().toISOString();
  const meta: ModelMeta = {
    name: 'Bench standard',
    codec: { name: codec.name, version: codec.version, cacheKey: codec.cacheKey, options: {} },
    vocabSize: vocabulary.size,
    vocabulary: [...vocabulary.tokens],
    config: { ...config },
    preset: 'standard',
    parameterCount: Object.values(weights).reduce((n, w) => n + w.data.length, 0),
    dataset: null,
    training: {},
    history: [],
    bestValLoss: null,
    backend: 'none',
    appVersion: '0.1.0',
    createdAt: now,
    updatedAt: now,
  };
  await saveModelFolder(path.join(modelsDir, id), config, weights, meta);
}

/** Starts the web host on a free port; resolves with its URL and the process. */
async function startHost(dataDir: string, outDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'scripts/web.mjs'), '--port', '0', '--data-dir', dataDir],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CONTINUO_OUT_DIR: outDir },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error('the web host did not start within 120 s')), 120_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`the web host exited (code ${code})`)));
  });
  return { url, child };
}

/** Keeps the engine generating (a long continuation, again and again) until stopped (the last is cancelled). */
function keepEngineBusy(url: string, modelId: string): () => Promise<void> {
  const parsed = new URL(url);
  const socket = new WebSocket(`ws://${parsed.host}/ws?token=${parsed.searchParams.get('token') ?? ''}`, {
    origin: parsed.origin,
  });
  let id = 0;
  let stopped = false;
  let jobId: string | undefined;
  const start = (): void => {
    if (stopped) return;
    id += 1;
    socket.send(
      JSON.stringify({
        id,
        method: 'generation.start',
        payload: {
          modelId,
          temperature: 1,
          topK: 0,
          topP: 1,
          length: '2000t',
          variations: 2,
          randomSeed: id,
        },
      }),
    );
  };
  socket.on('open', start);
  socket.on('message', (raw: Buffer) => {
    const message = JSON.parse(raw.toString()) as {
      type: string;
      event?: string;
      response?: { ok: boolean; result?: { jobId?: string } };
    };
    if (message.type === 'response' && message.response?.result?.jobId) jobId = message.response.result.jobId;
    if (message.type === 'event' && message.event === 'generation.finished') start();
  });
  return async () => {
    stopped = true;
    if (jobId) socket.send(JSON.stringify({ id: id + 1000, method: 'jobs.cancel', payload: { jobId } }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.close();
  };
}

/** Plays notes through the fake input, each stamped when "played" and delivered in a later task. */
async function playThru(page: Page, count: number): Promise<void> {
  await page.evaluate(
    async ({ count, input }) => {
      type Port = {
        onmessage: ((event: { data: { data: number[]; time: number } }) => void) | null;
        postMessage(m: unknown): void;
      };
      const Channel = (globalThis as unknown as { MessageChannel: new () => { port1: Port; port2: Port } })
        .MessageChannel;
      const channel = new Channel();
      channel.port1.onmessage = (event) =>
        (
          globalThis as unknown as { __fakeMidi: { emit(id: string, d: number[], t: number): void } }
        ).__fakeMidi.emit(input, event.data.data, event.data.time);
      for (let i = 0; i < count; i++) {
        const pitch = 48 + ((i * 7) % 36);
        channel.port2.postMessage({ data: [0x90, pitch, 90], time: performance.now() });
        await new Promise((resolve) => setTimeout(resolve, 8));
        channel.port2.postMessage({ data: [0x80, pitch, 0], time: performance.now() });
        await new Promise((resolve) => setTimeout(resolve, 8));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    },
    { count, input: FAKE_INPUT.id },
  );
}

async function thruLatency(page: Page): Promise<{ output: number[]; piano: number[] }> {
  await page.evaluate(() =>
    (globalThis as unknown as { __continuoMidi: { clearLatency(): void } }).__continuoMidi.clearLatency(),
  );
  await playThru(page, THRU_NOTES);
  return page.evaluate(
    () =>
      (
        globalThis as unknown as {
          __continuoMidi: { probe(): { latency: { output: number[]; piano: number[] } } };
        }
      ).__continuoMidi.probe().latency,
  );
}

/**
 * One jam round: a phrase played in real time (each event stamped as it is delivered), then the
 * silence; waits for the answer's first note-on and returns how long after the silence it sounds.
 */
async function jamRound(page: Page, index: number): Promise<number> {
  const silenceEnd = await page.evaluate(
    async ({ index, input, silenceMs }) => {
      const midi = (
        globalThis as unknown as { __fakeMidi: { emit(id: string, d: number[], t: number): void } }
      ).__fakeMidi;
      let last = 0;
      for (let i = 0; i < 8; i++) {
        const pitch = 55 + ((index * 5 + i * 3) % 24);
        midi.emit(input, [0x90, pitch, 60 + ((i * 11) % 60)], performance.now());
        await new Promise((resolve) => setTimeout(resolve, 90 + ((index + i) % 3) * 40));
        last = performance.now();
        midi.emit(input, [0x80, pitch, 0], last);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return last + silenceMs;
    },
    { index, input: FAKE_INPUT.id, silenceMs: SILENCE_MS },
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    const sent = await page.evaluate(() =>
      (globalThis as unknown as { __fakeMidi: { sent: SentMessage[] } }).__fakeMidi.sent.slice(-400),
    );
    const first = sent
      .filter((m) => m.port === FAKE_OUTPUT.id && (m.data[0] & 0xf0) === 0x90 && m.data[2] > 0)
      .map(effectiveTime)
      .filter((time) => time >= silenceEnd - 1)
      .sort((a, b) => a - b)[0];
    if (first !== undefined) return first - silenceEnd;
    if (Date.now() > deadline) throw new Error(`jam round ${index}: no answer within 30 s`);
    await page.waitForTimeout(20);
  }
}

export const benchmark: Benchmark = {
  name: 'midi',
  description: `MIDI in Chromium (web host, fake Web MIDI): thru latency event→output send() and →piano note start, idle and while generating (${THRU_NOTES} notes each); jam: silence end→first answer note-on, standard performance model (${JAM_ROUNDS} rounds)`,
  reference: 'targets: thru p95 <= 10 ms; jam p95 <= 100 ms',
  async run(): Promise<BenchFigures> {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'continuo-bench-midi-'));
    const outDir = process.env['CONTINUO_OUT_DIR'] ?? path.join(tmpdir(), 'continuo-bench-midi-out');
    const modelId = 'bench-standard';
    await writeStandardModel(path.join(dataDir, 'models'), modelId);
    const host = await startHost(dataDir, outDir);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
    try {
      const page = await browser.newPage();
      await installFakeMidi(page);
      await page.goto(host.url);
      await page
        .getByTestId('midi-status')
        .filter({ hasText: '1 input, 1 output' })
        .waitFor({ timeout: 60_000 });
      await page
        .getByRole('list', { name: 'MIDI outputs' })
        .getByRole('checkbox', { name: FAKE_OUTPUT.name })
        .check();
      // The piano loads its samples; wait until Tone is up so piano starts are measured.
      await page.waitForTimeout(1500);
      await playThru(page, 20); // warm-up
      const idle = await thruLatency(page);
      const stopBusy = keepEngineBusy(host.url, modelId);
      await page.waitForTimeout(1500);
      const busy = await thruLatency(page);
      await stopBusy();
      await page.waitForTimeout(1000);

      const jam = page.getByRole('region', { name: 'Jam' });
      await jam
        .getByRole('form', { name: 'Jam settings' })
        .getByLabel('Model', { exact: true })
        .selectOption(modelId);
      await jam.getByRole('button', { name: 'Start jam' }).click();
      const jamMs: number[] = [];
      for (let i = 0; i < JAM_ROUNDS + 1; i++) {
        const ms = await jamRound(page, i);
        if (i > 0) jamMs.push(ms); // the first loads the model
        await page.waitForTimeout(100);
      }
      await jam.getByRole('button', { name: 'Stop jam' }).click();
      const p = (list: number[], q: number): number => round(percentile(list, q));
      return {
        'thru→output p50 ms (idle)': p(idle.output, 50),
        'thru→output p95 ms (idle)': p(idle.output, 95),
        'thru→piano p95 ms (idle)': p(idle.piano, 95),
        'thru→output p95 ms (generating)': p(busy.output, 95),
        'thru→piano p95 ms (generating)': p(busy.piano, 95),
        'thru→output max ms (generating)': round(Math.max(...busy.output)),
        'piano samples measured': idle.piano.length + busy.piano.length,
        'jam silence→first note p50 ms': p(jamMs, 50),
        'jam silence→first note p95 ms': p(jamMs, 95),
        'jam silence→first note max ms': round(Math.max(...jamMs)),
      };
    } finally {
      await browser.close();
      host.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 500));
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
