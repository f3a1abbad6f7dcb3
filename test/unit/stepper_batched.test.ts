import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/engine/model/backend.ts';
import { LstmStepper } from '../../src/main/engine/model/stepper.ts';
import { TokenModel, type TokenModelConfig } from '../../src/main/engine/model/token_model.ts';

// 9 streams: two four-stream kernel calls and one single; odd sizes exercise the padding.
const config: TokenModelConfig = { vocabSize: 13, layers: [24, 20], dropout: 0 };
const [batch, steps] = [9, 12];
const inputs = Int32Array.from({ length: batch * steps }, (_, i) => (i * 7 + (i >> 2)) % 13);

describe('batched generation (four streams per kernel call)', () => {
  let model: TokenModel;
  let expected: number[][][];
  beforeAll(async () => {
    await initBackend('wasm');
    const seed = TokenModel.create(config, 'batched');
    const values: Record<string, Float32Array> = {};
    for (const [name, w] of Object.entries(seed.weightData()))
      values[name] = w.data.map((v, i) => v + 0.2 * Math.sin(i));
    seed.dispose();
    model = TokenModel.fromWeights(config, values);
    const logits = model.logits(inputs, batch);
    expected = logits.arraySync();
    logits.dispose();
  });

  it('gives every stream the logits of the tfjs forward pass within 1e-4', () => {
    const stepper = new LstmStepper(model.config, model.weightData(), batch);
    expect(stepper.usesSimd).toBe(true);
    let worst = 0;
    for (let t = 0; t < steps; t++) {
      const out = stepper.step(Array.from({ length: batch }, (_, b) => inputs[b * steps + t]));
      for (let b = 0; b < batch; b++)
        for (let v = 0; v < config.vocabSize; v++)
          worst = Math.max(worst, Math.abs(out[b * config.vocabSize + v] - expected[b][t][v]));
    }
    expect(worst).toBeLessThan(1e-4);
  });

  it('makes 8 variations cost less than 8 single ones (2x256)', () => {
    const big = TokenModel.create({ vocabSize: 128, layers: [256, 256], dropout: 0 }, 3);
    const weights = big.weightData();
    big.dispose();
    // CPU microseconds per step, in short interleaved rounds (medians): the machine is shared,
    // and a load burst must hit both sizes alike.
    const steppers = [1, 8].map((streams) => new LstmStepper(big.config, weights, streams));
    const times: number[][] = [[], []];
    steppers.forEach((s) => {
      for (let i = 0; i < 50; i++) s.step(new Int32Array(s.batch));
    });
    for (let round = 0; round < 9; round++) {
      steppers.forEach((s, i) => {
        const tokens = new Int32Array(s.batch);
        const cpu = process.cpuUsage();
        for (let j = 0; j < 120; j++) s.step(tokens.fill(j % 128));
        const used = process.cpuUsage(cpu);
        times[i].push((used.user + used.system) / 120);
      });
    }
    const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1];
    const [one, eight] = times.map(median);
    console.log(
      `stepper 2x256: batch 1 ${(one / 1000).toFixed(3)} ms/step, batch 8 ${(eight / 1000).toFixed(3)} ms/step (${(eight / one).toFixed(2)}x one)`,
    );
    expect(eight).toBeLessThan(8 * one);
  });
});
