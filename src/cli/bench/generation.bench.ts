import { createCodec } from '../../main/engine/codecs/registry.ts';
import { Vocabulary } from '../../main/engine/codecs/vocabulary.ts';
import { TokenGenerator } from '../../main/engine/generate/generator.ts';
import type { GenerationModel } from '../../main/engine/generate/load_model.ts';
import { presetArchitecture } from '../../main/engine/model/presets.ts';
import {
  weightShapesFor,
  type TokenModelConfig,
  type WeightData,
} from '../../main/engine/model/token_model.ts';
import { Rng } from '../../main/engine/random/rng.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Token } from '../../main/engine/codecs/codec.ts';
import { parseAbcText } from '../../main/engine/music/abc/index.ts';
import type { Benchmark, BenchFigures } from './benchmark.ts';
import { grammarCost, type GrammarCost } from './generation/grammar_cost.ts';

/** Tokens generated per variation in a timed run. */
const TOKENS = 3000;
/** A seed long enough that priming speed shows: 1000 tokens. */
const SEED_TOKENS = 1000;
/** Interleaved on/off rounds per grammar-cost figure (the figure is their median). */
const ROUNDS = 11;
/** Tokens per ABC tune in the grammar-cost rounds (about 200 bars of 6/8): shorter runs (800) left a GC pause or a tier-up as large as the grammar itself. */
const ABC_TOKENS = 4000;

function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A grammar's cost as bench figures, named after `what`. */
function costFigures(what: string, cost: GrammarCost): BenchFigures {
  return {
    [`${what}: grammar cost % (median of ${ROUNDS} interleaved rounds)`]: round(cost.costPercent, 1),
    [`${what}: grammar cost %, best run on vs best run off`]: round(cost.bestPercent, 1),
    [`${what}: grammar cost %, lowest / highest round`]: `${round(cost.lowestPercent, 1)} / ${round(cost.highestPercent, 1)}`,
    [`${what}: CPU ms/event, grammar on / off (medians)`]: `${round(cost.onMs)} / ${round(cost.offMs)}`,
    [`${what}: grammar alone, CPU µs/token, cold / warm caches`]: `${round(cost.coldMicros, 2)} / ${round(cost.warmMicros, 2)}`,
    [`${what}: grammar alone (cold) as % of a grammar-off event`]: round(
      (100 * cost.coldMicros) / 1000 / cost.offMs,
      1,
    ),
  };
}

/** Nottingham jigs, for the ABC figures (skipped when the shared data is not beside the clone). */
const JIGS = path.resolve(process.cwd(), '..', 'shared', 'data', 'nottingham', 'ABC_original', 'jigs.abc');

/** The ABC tokens of the jigs, or null without the data. */
async function jigsTokens(): Promise<Token[][] | null> {
  let text: string;
  try {
    text = await readFile(JIGS, 'utf8');
  } catch {
    return null;
  }
  const codec = createCodec('abc');
  return parseAbcText(text, JIGS).items.flatMap((item) => {
    try {
      return [codec.encode(item)];
    } catch {
      return [];
    }
  });
}

/** The `standard` preset (2 x 256) over the performance vocabulary (388), Glorot-uniform random weights. */
function standardPerformanceModel(): GenerationModel {
  return standardModel('performance', []);
}

/** The `standard` preset (2 x 256) over a codec's vocabulary, Glorot-uniform random weights. */
function standardModel(name: 'performance' | 'abc', pieces: Token[][]): GenerationModel {
  const codec = createCodec(name);
  const vocabulary = Vocabulary.forCodec(codec, pieces);
  const config: TokenModelConfig = { vocabSize: vocabulary.size, ...presetArchitecture('standard') };
  const rng = new Rng(1);
  const weights: Record<string, WeightData> = {};
  for (const [name, shape] of Object.entries(weightShapesFor(config))) {
    const size = shape.reduce((a, b) => a * b, 1);
    const limit = shape.length === 2 ? Math.sqrt(6 / (shape[0] + shape[1])) : 0.1;
    weights[name] = { shape, data: Float32Array.from({ length: size }, () => (rng.next() * 2 - 1) * limit) };
  }
  return { config, weights, codec, vocabulary };
}

/** Generation speed through TokenGenerator (prime, sample, constraints) at batch 1 and with 8 variations. */
export const benchmark: Benchmark = {
  name: 'generation',
  description: `Generation, LSTM 2x256 (standard), performance vocab 388, random weights: ms/event at batch 1 and 8 variations (${TOKENS} tokens each), priming; the grammar's cost (interleaved on/off rounds, medians; and the grammar alone) for performance and for ABC over the Nottingham jigs vocabulary`,
  reference: 'PyTorch CPU: 0.28 ms/event at batch 1; tfjs wasm stateful step: 0.9 ms/event',
  async run(): Promise<BenchFigures> {
    const model = standardPerformanceModel();
    const generator = new TokenGenerator(model);
    const seedTokens = Array.from({ length: SEED_TOKENS }, (_, i) =>
      i % 4 === 0 ? `ON_${60 + (i % 24)}` : i % 4 === 2 ? `OFF_${60 + ((i - 2) % 24)}` : 'SHIFT_12',
    );
    const run = (variations: number, simd = true, key?: string) =>
      generator.generate({
        seedTokens,
        length: { unit: 'tokens', value: TOKENS },
        variations,
        rngSeed: 1,
        temperature: 1,
        topP: 0.95,
        key,
        simd,
      });
    await run(1); // warm-up (JIT, kernel compilation)
    await run(8);
    const one = await run(1);
    const eight = await run(8);
    const keyed = await run(8, true, 'D major');
    const js = await run(1, false);
    // The grammar's cost: interleaved on/off rounds (medians), and the grammar alone.
    const perfCost = await grammarCost(
      generator,
      model,
      (rngSeed) => ({ seedTokens, length: { unit: 'tokens', value: 1000 }, rngSeed }),
      ROUNDS,
    );
    const abc: BenchFigures = {};
    const pieces = await jigsTokens();
    if (pieces) {
      const abcModel = standardModel('abc', pieces);
      const abcGenerator = new TokenGenerator(abcModel);
      // As many tokens on and off (a length in tokens): per-generation costs weigh the same.
      const tune = (key?: string) => (rngSeed: number) => ({
        length: { unit: 'tokens' as const, value: ABC_TOKENS },
        meter: '6/8',
        rngSeed,
        key,
      });
      await abcGenerator.generate({ ...tune()(1), grammar: true });
      await abcGenerator.generate({ ...tune()(1), grammar: false });
      const plain = await grammarCost(abcGenerator, abcModel, tune(), ROUNDS);
      const inKey = await grammarCost(abcGenerator, abcModel, tune('D major'), ROUNDS);
      Object.assign(abc, costFigures('abc', plain), costFigures('abc, key D major', inKey));
    }
    return {
      kernel: one.backend,
      'ms/event (batch 1)': round(one.msPerEvent),
      'ms/event (8 variations)': round(eight.msPerEvent),
      'ms/step (8 variations)': round(eight.msPerEvent * 8),
      'ms/event (8 variations, key D major)': round(keyed.msPerEvent),
      'ms/event (batch 1, plain JS)': round(js.msPerEvent),
      'prime ms/token (1000-token seed)': round(one.primeMs / SEED_TOKENS),
      ...costFigures('performance', perfCost),
      ...abc,
    };
  },
};
