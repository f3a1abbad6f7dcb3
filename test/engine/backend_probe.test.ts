import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { probeBackends } from '../../src/main/engine/model/backend_probe.ts';

describe('the start-up backend probe', () => {
  it('times wasm and cpu, keeps the faster one active and says which', async () => {
    const result = await probeBackends(['wasm', 'cpu']);
    const measured = result.timings.filter((t) => t.msPerStep !== null);
    expect(measured.map((t) => t.name)).toEqual(['wasm', 'cpu']);
    const fastest = measured.reduce((a, b) => ((b.msPerStep ?? 0) < (a.msPerStep ?? 0) ? b : a));
    expect(result.name).toBe(fastest.name);
    expect(tf.getBackend()).toBe(result.name);
    expect(result.summary).toMatch(
      new RegExp(`^${result.name} \\(probed: wasm [\\d.]+ ms, cpu [\\d.]+ ms per probe\\)$`),
    );
    console.log(`probe: ${result.summary}`);
  }, 120_000);
});
