import { initBackend, type BackendInfo, type BackendName } from './backend.ts';
import * as tf from '@tensorflow/tfjs';

/**
 * The start-up probe: which installed TensorFlow.js backend runs the fast LSTM's training step
 * fastest here. The order tfjs-node > wasm > cpu is right on most machines, but not on all (a
 * tfjs-node build without AVX, a wasm build without SIMD): measured, not assumed.
 */

/** One probed backend: milliseconds per probe round (see `timeKernels`), or why it failed. */
export interface BackendTiming {
  name: BackendName;
  msPerStep: number | null;
  note?: string;
}

/** What the probe chose and what it measured. */
export interface ProbeResult extends BackendInfo {
  timings: BackendTiming[];
  /** One line for logs and the dashboard, e.g. "wasm (probed: wasm 1.2 ms, cpu 9.8 ms per probe)". */
  summary: string;
}

const CANDIDATES: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/**
 * Times the fast LSTM's dominant work on the active backend: gate matMuls of a 32 x 256 batch (smaller ones measure per-op overhead only, where the
 * plain-JS backend looks as fast as wasm)
 * and the elementwise gate maths, synced, a few times after a warm-up. A few milliseconds on
 * wasm, so the probe costs little even where a backend is slow (a whole training step on the
 * plain-JS backend took 24 s on a loaded machine).
 */
function timeKernels(bestSoFar: number): number {
  const x = tf.randomUniform([32, 256]);
  const w = tf.randomUniform([256, 1024]);
  const round = (): void => {
    const z = tf.tidy(() => {
      const gates = tf.matMul(x, w);
      return tf.mul(tf.sigmoid(gates), tf.tanh(gates));
    });
    z.dataSync();
    z.dispose();
  };
  try {
    const warm = performance.now();
    round();
    const warmUp = performance.now() - warm;
    // Far slower than the best already, even counting its warm-up: no need to time it more.
    if (warmUp > 20 * bestSoFar) return warmUp;
    const started = performance.now();
    for (let i = 0; i < 2; i++) round();
    return (performance.now() - started) / 2;
  } finally {
    tf.dispose([x, w]);
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
        timings.push({ name, msPerStep: timeKernels(best) });
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
      summary: `${best.name} (probed: ${figures} per probe)`,
    };
  })();
  return probed;
}
