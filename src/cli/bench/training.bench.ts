import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../../main/engine/model/backend.ts';
import { LstmStepper } from '../../main/engine/model/stepper.ts';
import { TokenModel } from '../../main/engine/model/token_model.ts';
import { DataParallelTrainer } from '../../main/engine/train/parallel/data_parallel.ts';
import type { Benchmark, BenchFigures } from './benchmark.ts';
import { runTorchPeer, torchPeerScript, type PeerFigures } from './torch_peer.ts';

/** The reference configuration (TOOLCHAIN.md): 2 x 256 LSTM, vocabulary 128, batch 32 x 64 steps, Adam. */
const VOCAB = 128;
const LAYERS = [256, 256];
const BATCH = 32;
const STEPS = 64;

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Deterministic pseudo-random token batch, [B, T] inputs and next-token targets. */
function tokenBatch(): { inputs: Int32Array; targets: Int32Array } {
  const stream = Int32Array.from(
    { length: BATCH * (STEPS + 1) },
    (_, i) => (i * 7919 + (i >> 5) * 13) % VOCAB,
  );
  const inputs = new Int32Array(BATCH * STEPS);
  const targets = new Int32Array(BATCH * STEPS);
  for (let b = 0; b < BATCH; b++) {
    inputs.set(stream.subarray(b * (STEPS + 1), b * (STEPS + 1) + STEPS), b * STEPS);
    targets.set(stream.subarray(b * (STEPS + 1) + 1, (b + 1) * (STEPS + 1)), b * STEPS);
  }
  return { inputs, targets };
}

/** Wall-clock and CPU seconds of one call. CPU time is the steadier figure on a shared machine (wasm is single-threaded). */
interface Timing {
  wall: number;
  cpu: number;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Mean time of `timed` calls after `warmup` untimed ones. */
async function timeIt(run: () => unknown, warmup: number, timed: number): Promise<Timing> {
  // Only real promises are awaited: a microtask per call would distort the ~0.1 ms generation steps.
  for (let i = 0; i < warmup; i++) {
    const result = run();
    if (result instanceof Promise) await result;
  }
  const wall = performance.now();
  const cpu = cpuSeconds();
  for (let i = 0; i < timed; i++) {
    const result = run();
    if (result instanceof Promise) await result;
  }
  return { wall: (performance.now() - wall) / 1000 / timed, cpu: (cpuSeconds() - cpu) / timed };
}

/**
 * Seconds per training step of the fast path on `threads` threads (data-parallel halves).
 * `tfjsOps`: the earlier path over tfjs ops (fast_lstm.ts; CONTINUO_TRAIN_KERNELS=0, read
 * by both threads) instead of our own kernels (kernel_step.ts), for a before/after in one run.
 */
async function fastPath(
  inputs: Int32Array,
  targets: Int32Array,
  threads: number,
  backend: BackendName,
  tfjsOps = false,
): Promise<Timing> {
  const before = process.env.CONTINUO_TRAIN_KERNELS;
  if (tfjsOps) process.env.CONTINUO_TRAIN_KERNELS = '0';
  const model = TokenModel.create({ vocabSize: VOCAB, layers: LAYERS, dropout: 0.2 }, 1);
  const trainer = await DataParallelTrainer.start(model, { threads, backend, adaptive: false });
  try {
    if (trainer.threads !== threads)
      throw new Error(`asked for ${threads} training threads, got ${trainer.threads}`);
    return await timeIt(() => trainer.trainStep(inputs, targets, BATCH), 1, 4);
  } finally {
    await trainer.close();
    model.dispose();
    if (before === undefined) delete process.env.CONTINUO_TRAIN_KERNELS;
    else process.env.CONTINUO_TRAIN_KERNELS = before;
  }
}

/** Means of the figures of several rounds. */
function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

/** Seconds per training step of the same network built from tfjs-layers (`tf.layers.lstm`). */
async function layersPath(inputs: Int32Array, targets: Int32Array, timed: number): Promise<Timing> {
  const model = tf.sequential();
  for (const [l, units] of LAYERS.entries()) {
    model.add(
      tf.layers.lstm({
        units,
        returnSequences: true,
        recurrentActivation: 'sigmoid',
        recurrentInitializer: 'glorotUniform',
        ...(l === 0 ? { inputShape: [STEPS, VOCAB] } : {}),
      }),
    );
    model.add(tf.layers.dropout({ rate: 0.2 }));
  }
  model.add(tf.layers.dense({ units: VOCAB, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(2e-3), loss: 'categoricalCrossentropy' });
  const x = tf.oneHot(tf.tensor2d(inputs, [BATCH, STEPS], 'int32'), VOCAB).toFloat();
  const y = tf.oneHot(tf.tensor2d(targets, [BATCH, STEPS], 'int32'), VOCAB).toFloat();
  try {
    return await timeIt(() => model.trainOnBatch(x, y), 1, timed);
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
}

/**
 * Milliseconds per generated event with the stateful stepper at `batch` streams; `threads: 2`
 * adds its helper thread (which steps aside by itself when the second core is busy).
 */
async function generation(
  model: TokenModel,
  batch: number,
  threads = 1,
): Promise<{ msPerEvent: number; simd: boolean; stepAsides: number }> {
  const stepper = new LstmStepper(model.config, model.weightData(), batch, { threads });
  // The helper thread starts in the background; give it time to join.
  if (threads > 1) await new Promise((resolve) => setTimeout(resolve, 300));
  const tokens = new Int32Array(batch);
  let t = 0;
  const events = 4000;
  const calls = Math.ceil(events / batch);
  const { wall } = await timeIt(
    () => {
      tokens.fill(t++ % VOCAB);
      stepper.step(tokens);
    },
    Math.ceil(calls / 10),
    calls,
  );
  stepper.close();
  return { msPerEvent: (wall * 1000) / batch, simd: stepper.usesSimd, stepAsides: stepper.helperStalls };
}

/**
 * Training throughput (fast path on one and two threads, tfjs-layers, PyTorch when installed)
 * and generation speed. Ours and the peer alternate over a few rounds, so both see the same
 * machine load (the ratio is the figure that counts; absolute ones move with the load).
 */
export const benchmark: Benchmark = {
  name: 'lstm-training',
  description:
    'LSTM 2x256, vocab 128, batch 32 x 64, Adam: training tokens/s (fast path 1 and 2 threads, tfjs-layers, PyTorch); generation ms/event',
  reference: 'PyTorch CPU (../shared/peers/torch_lstm.py, run side by side); tfjs-layers on wasm: 4.2 s/step',
  async run(): Promise<BenchFigures> {
    const backend = await initBackend(
      process.env.CONTINUO_BACKEND as 'tensorflow' | 'wasm' | 'cpu' | undefined,
    );
    const { inputs, targets } = tokenBatch();
    const tokens = BATCH * STEPS;
    const peer = torchPeerScript();
    const rounds = Number(process.env.CONTINUO_BENCH_ROUNDS ?? 2);
    const one: Timing[] = [];
    const two: Timing[] = [];
    const opsOne: Timing[] = [];
    const opsTwo: Timing[] = [];
    const torch: PeerFigures[] = [];
    for (let round = 0; round < rounds; round++) {
      if (peer.script) torch.push(await runTorchPeer(peer.script, VOCAB));
      one.push(await fastPath(inputs, targets, 1, backend.name));
      two.push(await fastPath(inputs, targets, 2, backend.name));
      opsOne.push(await fastPath(inputs, targets, 1, backend.name, true));
      opsTwo.push(await fastPath(inputs, targets, 2, backend.name, true));
    }
    const layers = await layersPath(inputs, targets, backend.name === 'cpu' ? 1 : 2);
    const model = TokenModel.create({ vocabSize: VOCAB, layers: LAYERS, dropout: 0.2 }, 2);
    const gen1 = await generation(model, 1);
    const gen8 = await generation(model, 8);
    const gen1Duo = await generation(model, 1, 2);
    model.dispose();
    const oneWall = mean(one.map((t) => t.wall));
    const twoWall = mean(two.map((t) => t.wall));
    const torchTokens = mean(torch.map((t) => t.trainTokensPerSec));
    const torchGen = mean(torch.map((t) => t.genMsPerEvent));
    return {
      backend: backend.name,
      'fast 1 thread s/step (wall)': round(oneWall),
      'fast 1 thread s/step (cpu)': round(mean(one.map((t) => t.cpu))),
      'fast 1 thread tokens/s (wall)': Math.round(tokens / oneWall),
      'fast 2 threads s/step (wall)': round(twoWall),
      'fast 2 threads cpu s/step (both threads)': round(mean(two.map((t) => t.cpu))),
      'fast 2 threads tokens/s (wall)': Math.round(tokens / twoWall),
      'two-thread speed-up (wall)': round(oneWall / twoWall, 2),
      'tfjs-ops path (before) 1 thread s/step (cpu)': round(mean(opsOne.map((t) => t.cpu))),
      'tfjs-ops path (before) 1 thread tokens/s (wall)': Math.round(tokens / mean(opsOne.map((t) => t.wall))),
      'tfjs-ops path (before) 2 threads cpu s/step (both threads)': round(mean(opsTwo.map((t) => t.cpu))),
      'tfjs-ops path (before) 2 threads tokens/s (wall)': Math.round(
        tokens / mean(opsTwo.map((t) => t.wall)),
      ),
      'kernels / tfjs-ops cpu per step, 1 thread': round(
        mean(one.map((t) => t.cpu)) / mean(opsOne.map((t) => t.cpu)),
        2,
      ),
      ...(peer.script
        ? {
            'PyTorch tokens/s (same run)': Math.round(torchTokens),
            'ratio ours (2 threads) / PyTorch tokens/s': round(tokens / twoWall / torchTokens, 2),
            'ratio ours (1 thread) / PyTorch tokens/s': round(tokens / oneWall / torchTokens, 2),
            'ratio before (tfjs-ops, 2 threads) / PyTorch tokens/s': round(
              tokens / mean(opsTwo.map((t) => t.wall)) / torchTokens,
              2,
            ),
            'PyTorch generation ms/event (batch 1)': round(torchGen, 4),
            'ratio ours / PyTorch generation time (batch 1)': round(gen1.msPerEvent / torchGen, 2),
          }
        : { PyTorch: `not run: ${peer.why}` }),
      'tfjs-layers s/step (wall)': round(layers.wall),
      'tfjs-layers tokens/s (wall)': Math.round(tokens / layers.wall),
      'generation ms/event (batch 1)': round(gen1.msPerEvent, 4),
      'generation ms/event (batch 1, helper thread)': round(gen1Duo.msPerEvent, 4),
      'generation helper thread stepped aside (second core busy), times': gen1Duo.stepAsides,
      'generation ms/variation-event (batch 8)': round(gen8.msPerEvent, 4),
      '8 variations cost, in single events': round((gen8.msPerEvent * 8) / gen1.msPerEvent, 2),
      'generation kernel': gen1.simd ? 'wasm-simd' : 'js',
    };
  },
};
