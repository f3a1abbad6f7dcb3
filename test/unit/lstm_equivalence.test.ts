import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/engine/model/backend.ts';
import { fastLstm, type LstmLayerWeights } from '../../src/main/engine/model/fast_lstm.ts';
import {
  TokenModel,
  weightNamesFor,
  type TokenModelConfig,
} from '../../src/main/engine/model/token_model.ts';

/** Largest absolute difference between two tensors of the same shape. */
function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function referenceLayer(units: number): tf.layers.Layer {
  return tf.layers.lstm({
    units,
    returnSequences: true,
    recurrentActivation: 'sigmoid',
    recurrentInitializer: 'glorotUniform',
    // Random, not zero, so the bias gradient path is exercised with non-trivial values.
    biasInitializer: tf.initializers.randomNormal({ stddev: 0.5 }),
  });
}

describe('fast LSTM vs tf.layers.lstm (acceptance)', () => {
  beforeAll(async () => {
    const info = await initBackend('wasm');
    expect(info.name).toBe('wasm');
  });

  it('gives the same outputs and gradients (inputs, kernels, biases, initial states), 2 layers', () => {
    const [batch, steps, inputSize, units1, units2] = [3, 7, 5, 8, 6];
    const layer1 = referenceLayer(units1);
    const layer2 = referenceLayer(units2);
    const x = tf.variable(tf.randomNormal([batch, steps, inputSize]), true, 'eq_x');
    const h0 = tf.variable(
      tf.randomNormal([batch, units1], 0, 0.5),
      true,
      'eq_h0',
    ) as tf.Variable<tf.Rank.R2>;
    const c0 = tf.variable(
      tf.randomNormal([batch, units1], 0, 0.5),
      true,
      'eq_c0',
    ) as tf.Variable<tf.Rank.R2>;
    const probe = tf.randomNormal([batch, steps, units2]);
    // Build the layers, then read their variables (kernel, recurrent kernel, bias each).
    layer2.apply(layer1.apply(x, { initialState: [h0, c0] }) as tf.Tensor);
    const weightVars = [...layer1.trainableWeights, ...layer2.trainableWeights].map((w) =>
      (w as unknown as { read(): tf.Variable }).read(),
    );
    expect(weightVars).toHaveLength(6);
    const asWeights = (k: number): LstmLayerWeights => ({
      kernel: weightVars[k] as unknown as tf.Tensor2D,
      recurrentKernel: weightVars[k + 1] as unknown as tf.Tensor2D,
      bias: weightVars[k + 2] as unknown as tf.Tensor1D,
    });
    const all = [x, h0, c0, ...weightVars];

    const refOut = (): tf.Tensor =>
      layer2.apply(layer1.apply(x, { initialState: [h0, c0] }) as tf.Tensor) as tf.Tensor;
    const fastOut = (): tf.Tensor =>
      fastLstm(fastLstm(x as unknown as tf.Tensor3D, asWeights(0), h0, c0), asWeights(3));

    const yRef = refOut();
    const yFast = fastOut();
    expect(maxDiff(yRef, yFast)).toBeLessThan(1e-4);
    expect(tf.max(tf.abs(yRef)).dataSync()[0]).toBeGreaterThan(0.05);

    const loss = (f: () => tf.Tensor) => () => tf.sum(tf.mul(f(), probe)) as tf.Scalar;
    const ref = tf.variableGrads(loss(refOut), all);
    const fast = tf.variableGrads(loss(fastOut), all);
    expect(Math.abs(ref.value.dataSync()[0] - fast.value.dataSync()[0])).toBeLessThan(1e-4);
    for (const v of all) {
      const name = v.name;
      const diff = maxDiff(ref.grads[name], fast.grads[name]);
      expect(diff, `gradient w.r.t. ${name}`).toBeLessThan(1e-4);
      expect(
        tf.max(tf.abs(ref.grads[name])).dataSync()[0],
        `${name} gradient is non-trivial`,
      ).toBeGreaterThan(1e-3);
    }
  });

  it.each([
    [4, 6],
    [1, 2],
    [3, 2],
  ])(
    'token model: loss and gradients equal tfjs-layers autodiff (2 LSTM + dense softmax), batch %i x %i steps',
    (batch, steps) => {
      const config: TokenModelConfig = { vocabSize: 11, layers: [9, 7], dropout: 0.3 };
      // Random values for every weight, biases included, so every gradient is non-trivial.
      const seedModel = TokenModel.create(config, 'eq');
      const values: Record<string, Float32Array> = {};
      for (const [name, w] of Object.entries(seedModel.weightData())) {
        values[name] = w.data.map((v, i) => v + 0.3 * Math.sin(i * 1.7 + name.length));
      }
      seedModel.dispose();
      const model = TokenModel.fromWeights(config, values);
      const ids = (offset: number) =>
        Int32Array.from({ length: batch * steps }, (_, i) => (i * 7 + offset + (i >> 2)) % 11);
      const inputs = ids(0);
      const targets = ids(3);

      const reference = tf.sequential();
      const lstmOptions = {
        returnSequences: true,
        recurrentActivation: 'sigmoid',
        recurrentInitializer: 'glorotUniform',
      } as const;
      reference.add(tf.layers.lstm({ ...lstmOptions, units: 9, inputShape: [steps, config.vocabSize] }));
      reference.add(tf.layers.lstm({ ...lstmOptions, units: 7 }));
      reference.add(tf.layers.dense({ units: config.vocabSize }));
      const names = weightNamesFor(config);
      const data = model.weightData();
      reference.setWeights(names.map((n) => tf.tensor(data[n].data, data[n].shape)));
      const refVars = reference.trainableWeights.map((w) => (w as unknown as { read(): tf.Variable }).read());
      expect(refVars).toHaveLength(names.length);

      const oneHot = (a: Int32Array) =>
        tf.oneHot(tf.tensor2d(a, [batch, steps], 'int32'), config.vocabSize).toFloat();
      const x = oneHot(inputs);
      const y = oneHot(targets);
      const refLoss = () =>
        tf.div(
          tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(reference.apply(x) as tf.Tensor)))),
          batch * steps,
        ) as tf.Scalar;
      const ref = tf.variableGrads(refLoss, refVars);

      const ours = model.lossAndGradients(inputs, targets, batch, false);
      expect(Math.abs(ours.loss - ref.value.dataSync()[0])).toBeLessThan(1e-5);
      expect(Math.abs(model.evaluate(inputs, targets, batch) - ours.loss)).toBeLessThan(1e-6);
      const logits = model.logits(inputs, batch);
      expect(maxDiff(logits, reference.apply(x) as tf.Tensor)).toBeLessThan(1e-4);
      names.forEach((name, k) => {
        const refGrad = ref.grads[refVars[k].name];
        expect(maxDiff(ours.grads[name], refGrad), `gradient of ${name}`).toBeLessThan(1e-4);
        // With one step from zero states the recurrent kernels get no gradient at all.
        if (steps > 1)
          expect(tf.max(tf.abs(refGrad)).dataSync()[0], `${name} gradient is non-trivial`).toBeGreaterThan(
            1e-4,
          );
      });
      tf.dispose(Object.values(ours.grads));
      model.dispose();
    },
  );
});
