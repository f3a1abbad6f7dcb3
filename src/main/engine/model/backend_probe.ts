import { initBackend, type BackendInfo, type BackendName } from './backend.ts';
import { TokenModel } from './token_model.ts';

/**
 * The start-up probe: which installed TensorFlow.js backend runs the fast LSTM's training step
 * fastest here. The order tfjs-node > wasm > cpu is right on most machines, but not on all (a
 * tfjs-node build without AVX, a wasm build without SIMD): measured, not assumed.
 */

/** One probed backend: milliseconds per training step of the probe model, or why it failed. */
export interface BackendTiming {
  name: BackendName;
  msPerStep: number | null;
  note?: string;
}

/** What the probe chose and what it measured. */
export interface ProbeResult extends BackendInfo {
  timings: BackendTiming[];
  /** One line for logs and the dashboard, e.g. "wasm (probed: wasm 9 ms, cpu 61 ms per step)". */
  summary: string;
}

const CANDIDATES: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/**
 * Times two training steps (after a warm-up) on the active backend, of a model big enough
 * that arithmetic weighs as in real training, not only per-op overhead (a tiny one makes the
 * plain-JS backend look nearly as fast as wasm).
 */
function timeStep(bestSoFar: number): number {
  const model = TokenModel.create({ vocabSize: 64, layers: [128, 128], dropout: 0 }, 'probe');
  try {
    const batch = 16;
    const inputs = Int32Array.from({ length: batch * 16 }, (_, i) => (i * 7) % 64);
    const targets = Int32Array.from({ length: batch * 16 }, (_, i) => (i * 11) % 64);
    const warmStart = performance.now();
    model.trainStep(inputs, targets, batch);
    const warmUp = performance.now() - warmStart;
    // Far slower than the best already, warm-up included: no need to time it further.
    if (warmUp > 3 * bestSoFar) return warmUp;
    const started = performance.now();
    for (let i = 0; i < 2; i++) model.trainStep(inputs, targets, batch);
    return (performance.now() - started) / 2;
  } finally {
    model.dispose();
  }
}

let probed: Promise<ProbeResult> | undefined;

/**
 * Measures every installed backend and leaves the fastest active (once per process; later
 * calls return the same result). `candidates` narrows the field (tests: wasm and cpu).
 */
export function probeBackends(candidates: readonly BackendName[] = CANDIDATES): Promise<ProbeResult> {
  probed ??= (async () => {
    const timings: BackendTiming[] = [];
    for (const name of candidates) {
      try {
        const info = await initBackend(name);
        if (info.name !== name) {
          timings.push({ name, msPerStep: null, note: info.skipped[0] ?? 'not available' });
          continue;
        }
        const best = Math.min(Infinity, ...timings.map((t) => t.msPerStep ?? Infinity));
        timings.push({ name, msPerStep: timeStep(best) });
      } catch (error) {
        timings.push({ name, msPerStep: null, note: error instanceof Error ? error.message : String(error) });
      }
    }
    const measured = timings.filter((t): t is BackendTiming & { msPerStep: number } => t.msPerStep !== null);
    if (measured.length === 0) throw new Error('No TensorFlow.js backend could run the probe');
    const best = measured.reduce((a, b) => (b.msPerStep < a.msPerStep ? b : a));
    const info = await initBackend(best.name);
    const figures = measured.map((t) => `${t.name} ${t.msPerStep.toFixed(1)} ms`).join(', ');
    return {
      ...info,
      timings,
      summary: `${best.name} (probed: ${figures} per step)`,
    };
  })();
  return probed;
}
