import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStudioCore, type StudioCore } from '../../main/app/studio_core.ts';
import { forkLauncher } from '../../main/engine/host/engine_process.ts';
import { dispatch, type EventName, type Method, type ResultOf } from '../../shared/ipc/index.ts';
import type { Benchmark } from './benchmark.ts';

/** Nottingham jigs in the shared data beside the repository. */
function jigs(): string {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  return path.resolve(repo, '../shared/data/nottingham/ABC_original/jigs.abc');
}

interface Seen {
  event: EventName;
  payload: Record<string, unknown>;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

const round = (x: number): number => Math.round(x * 10) / 10;

/**
 * The studio while it trains: the host core with its real engine process trains the standard
 * model on the jigs (in the training process), and meanwhile `engine.stats` is asked 30 times
 * and a 4-bar tune generated; their answer times are what a musician feels. Before training
 * ran in its own process, each request waited for the step in progress.
 */
export const benchmark: Benchmark = {
  name: 'studio-latency',
  description: 'Studio answer times while the standard model trains (stats, a 4-bar generation)',
  reference: 'goal: under 100 ms; a training step of the standard model takes 0.8-2.3 s',
  async run() {
    if (!existsSync(jigs())) throw new Error(`jigs.abc not found at ${jigs()}`);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'continuo-latency-'));
    const events: Seen[] = [];
    let core: StudioCore | undefined;
    const call = async <M extends Method>(method: M, payload: unknown): Promise<ResultOf<M>> => {
      if (!core) throw new Error('the studio core is not running');
      const response = await dispatch(core.handlers, method, payload);
      if (!response.ok) throw new Error(`${method}: ${response.error.message}`);
      return response.result as ResultOf<M>;
    };
    const waitFor = async (test: (e: Seen) => boolean, what: string, ms = 300_000): Promise<Seen> => {
      const end = Date.now() + ms;
      for (;;) {
        const hit = events.find(test);
        if (hit) return hit;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    try {
      core = await startStudioCore({
        version: 'bench',
        transport: 'websocket',
        dataDir,
        launcher: forkLauncher(),
        broadcast: (event, payload) => events.push({ event, payload: payload as Record<string, unknown> }),
      });
      const imported = await call('datasets.import', { paths: [jigs()], codec: 'abc', name: 'jigs' });
      await waitFor(
        (e) => e.event === 'datasets.finished' && e.payload.jobId === imported.jobId,
        'the import',
      );
      const datasetId = imported.datasetId;
      const small = await call('training.start', {
        datasetId,
        name: 'small',
        architecture: { kind: 'preset', preset: 'sketch' },
        epochs: 1,
        stepsPerEpoch: 2,
        batchSize: 4,
      });
      await waitFor(
        (e) => e.event === 'training.finished' && e.payload.jobId === small.jobId,
        'the small model',
      );
      const estimate = await call('training.estimate', {
        datasetId,
        architecture: { kind: 'preset', preset: 'standard' },
      });
      const big = await call('training.start', {
        datasetId,
        name: 'standard',
        architecture: { kind: 'preset', preset: 'standard' },
        epochs: 1,
        stepsPerEpoch: 1000,
      });
      await waitFor(
        (e) =>
          e.event === 'training.progress' &&
          e.payload.jobId === big.jobId &&
          typeof e.payload.loss === 'number',
        'the first training steps',
      );
      const stats: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t0 = performance.now();
        await call('engine.stats', {});
        stats.push(performance.now() - t0);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const t0 = performance.now();
      const generation = await call('generation.start', {
        modelId: small.modelId,
        temperature: 1,
        topK: 0,
        topP: 0.95,
        length: '4bars',
        variations: 1,
        randomSeed: 1,
      });
      await waitFor(
        (e) => e.event === 'generation.finished' && e.payload.jobId === generation.jobId,
        'the generation',
        60_000,
      );
      const generationMs = performance.now() - t0;
      const steps = events
        .filter((e) => e.event === 'training.progress' && e.payload.jobId === big.jobId)
        .at(-1)?.payload.step as number;
      await call('training.stop', { jobId: big.jobId });
      await waitFor(
        (e) => e.event === 'training.finished' && e.payload.jobId === big.jobId,
        'the stop',
        120_000,
      );
      return {
        'engine.stats p50 ms': round(percentile(stats, 0.5)),
        'engine.stats p95 ms': round(percentile(stats, 0.95)),
        'engine.stats max ms': round(Math.max(...stats)),
        '4-bar generation ms (request to last note)': Math.round(generationMs),
        'training steps meanwhile': steps,
        // The estimate's reason when it could not time steps.
        'standard step s (estimate, engine)':
          estimate.secondsPerStep === null
            ? `untimed: ${estimate.timingError ?? 'unknown'}`
            : Math.round(estimate.secondsPerStep * 1000) / 1000,
      };
    } finally {
      await core?.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
