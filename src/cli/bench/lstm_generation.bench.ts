import { LstmStepper } from '../../main/engine/model/stepper.ts';
import { TokenModel } from '../../main/engine/model/token_model.ts';
import type { Benchmark, BenchFigures } from './benchmark.ts';
import { runTorchPeer, torchPeerScript } from './torch_peer.ts';

/** The reference configuration (TOOLCHAIN.md): 2 x 256 LSTM, vocabulary 128. */
const VOCAB = 128;
const LAYERS = [256, 256];

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Wall milliseconds per event of `steps` steps (each `batch` events). */
function timeSteps(stepper: LstmStepper, steps: number): number {
  const tokens = new Int32Array(stepper.batch);
  const start = performance.now();
  for (let i = 0; i < steps; i++) stepper.step(tokens.fill(i % VOCAB));
  return (performance.now() - start) / steps / stepper.batch;
}

/**
 * Generation speed only (the stateful stepper, no sampling), against PyTorch's one-step LSTM
 * loop in the same run: our variants run in short interleaved repetitions between the peer's
 * runs, and medians are reported, so a loaded machine moves both sides alike.
 */
export const benchmark: Benchmark = {
  name: 'lstm-generation',
  description:
    'LSTM 2x256, vocab 128: generation ms/event, batch 1 (one thread, helper thread) and batch 8, vs PyTorch',
  reference: 'PyTorch CPU one-step loop (../shared/peers/torch_lstm.py), run between our repetitions',
  async run(): Promise<BenchFigures> {
    const model = TokenModel.create({ vocabSize: VOCAB, layers: LAYERS, dropout: 0 }, 2);
    const weights = model.weightData();
    model.dispose();
    const steppers = {
      one: new LstmStepper(model.config, weights, 1),
      helper: new LstmStepper(model.config, weights, 1, { threads: 2 }),
      eight: new LstmStepper(model.config, weights, 8),
    };
    const peer = torchPeerScript();
    const rounds = Number(process.env.CONTINUO_BENCH_ROUNDS ?? 3);
    const times: Record<keyof typeof steppers, number[]> = { one: [], helper: [], eight: [] };
    const torch: number[] = [];
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // the helper thread joins
      for (const s of Object.values(steppers)) timeSteps(s, 200); // warm-up
      for (let r = 0; r < rounds; r++) {
        if (peer.script) torch.push((await runTorchPeer(peer.script, VOCAB)).genMsPerEvent);
        for (let rep = 0; rep < 7; rep++) {
          times.one.push(timeSteps(steppers.one, 1000));
          times.helper.push(timeSteps(steppers.helper, 1000));
          times.eight.push(timeSteps(steppers.eight, 125));
        }
      }
    } finally {
      steppers.helper.close();
    }
    const [one, helper, eight] = [median(times.one), median(times.helper), median(times.eight)];
    const pt = median(torch);
    return {
      'ours ms/event, batch 1, one thread': round(one),
      'ours ms/event, batch 1, helper thread': round(helper),
      'helper thread stepped aside (second core busy), times': steppers.helper.helperStalls,
      'ours ms/variation-event, batch 8': round(eight),
      '8 variations cost, in single events': round((8 * eight) / one, 2),
      ...(peer.script
        ? {
            'PyTorch ms/event, batch 1': round(pt),
            'ratio ours (one thread) / PyTorch': round(one / pt, 2),
            'ratio ours (helper thread) / PyTorch': round(helper / pt, 2),
          }
        : { PyTorch: `not run: ${peer.why}` }),
      kernel: steppers.one.usesSimd ? 'wasm-simd' : 'js',
    };
  },
};
