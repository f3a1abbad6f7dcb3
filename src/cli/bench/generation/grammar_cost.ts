/**
 * What a codec's grammar adds to a generation step, measured so the machine's load does not
 * decide the figure: generations with the grammar on and off are interleaved (the order flips
 * each round, each round has its own seed) and the cost is the median of the rounds' ratios, in
 * CPU time per event. The grammar alone is timed too, replaying the tunes the "on" runs wrote
 * (restrict or restrictToFinish, then push, per token) with a cold grammar (a new one: empty
 * caches, as a first generation) and a warm one (its caches filled by earlier replays).
 */
import type { GrammarState, TokenGrammar } from '../../../main/engine/codecs/grammar.ts';
import type {
  GenerateOptions,
  GenerationResult,
  TokenGenerator,
} from '../../../main/engine/generate/generator.ts';
import type { GenerationModel } from '../../../main/engine/generate/load_model.ts';
import { createCodec } from '../../../main/engine/codecs/registry.ts';
import { constraintMask } from '../../../main/engine/generate/constraints.ts';

/** The grammar's cost, from interleaved runs and from replays. */
export interface GrammarCost {
  /** Median CPU ms per event, grammar on and off. */
  onMs: number;
  offMs: number;
  /** Median over rounds of (on - off) / off, in percent; and the smallest and largest round. */
  costPercent: number;
  /**
   * (best on - best off) / best off, in percent: the least disturbed run of each (the machine's
   * load only ever adds time), the figure least swayed by other processes.
   */
  bestPercent: number;
  lowestPercent: number;
  highestPercent: number;
  /** The grammar alone, CPU µs per token (median of replays), with empty and with warm caches. */
  coldMicros: number;
  warmMicros: number;
  /** Tokens replayed per replay. */
  replayedTokens: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** CPU milliseconds `go` takes (user + system, so other processes' load counts less than in wall time). */
async function cpuMs<T>(go: () => Promise<T> | T): Promise<{ result: T; ms: number }> {
  const before = process.cpuUsage();
  const result = await go();
  const used = process.cpuUsage(before);
  return { result, ms: (used.user + used.system) / 1000 };
}

/**
 * Interleaved on/off generations (`rounds` of each) and replays of the "on" tunes through the
 * grammar alone. `options(seed)` gives one round's generation options (without `grammar`);
 * `bars` is the length asked for in bars, if it is one, so a replay finishes where the
 * generation did. A length in tokens compares best: both runs then write as many tokens, so
 * what every generation costs once (setup, prompt) weighs the same per event.
 */
export async function grammarCost(
  generator: TokenGenerator,
  model: GenerationModel,
  options: (seed: number) => GenerateOptions,
  rounds: number,
  bars?: number,
): Promise<GrammarCost> {
  const { codec, vocabulary } = model;
  if (!codec.grammar) throw new Error(`The ${codec.name} codec has no grammar`);
  const on: number[] = [];
  const off: number[] = [];
  const ratios: number[] = [];
  const written: GenerationResult[] = [];
  const perEvent = async (seed: number, grammar: boolean): Promise<number> => {
    const { result, ms } = await cpuMs(() => generator.generate({ ...options(seed), grammar }));
    if (grammar) written.push(result);
    return ms / Math.max(1, result.tokens);
  };
  for (let round = 0; round < rounds; round++) {
    const seed = 1000 + round;
    const first = round % 2 === 0;
    const a = await perEvent(seed, first);
    const b = await perEvent(seed, !first);
    const [withGrammar, without] = first ? [a, b] : [b, a];
    on.push(withGrammar);
    off.push(without);
    ratios.push((100 * (withGrammar - without)) / without);
  }
  const endId = codec.endToken === null ? undefined : vocabulary.idOf(codec.endToken);
  const startId = codec.startToken === null ? undefined : vocabulary.idOf(codec.startToken);
  const tunes = written.flatMap((result) =>
    result.variations.map((v) => ({
      prefix: [...vocabulary.encode(v.prefix)],
      ids: [...vocabulary.encode(v.tokens)],
    })),
  );
  const replayedTokens = tunes.reduce((sum, tune) => sum + tune.ids.length, 0);
  // The mask the generator gives the grammar: the constraints, without the start token.
  const { key, pitchRange } = options(0);
  const constraint =
    key !== undefined || pitchRange !== undefined
      ? constraintMask(vocabulary.tokens, codec, { key, pitchRange }).mask
      : new Uint8Array(vocabulary.size).fill(1);
  if (startId !== undefined) constraint[startId] = 0;
  const replay = (grammar: TokenGrammar): void => {
    const row = new Uint8Array(vocabulary.size);
    for (const tune of tunes) {
      const state: GrammarState = grammar.start(tune.prefix, { allowedTokens: constraint });
      const origin = state.progress().bars ?? 0;
      for (const id of tune.ids) {
        const finishing = bars !== undefined && (state.progress().bars ?? 0) - origin >= bars;
        row.set(constraint);
        if (endId !== undefined && !finishing) row[endId] = 0;
        if (finishing && state.restrictToFinish) state.restrictToFinish(row);
        else state.restrict(row);
        state.push(id);
      }
    }
  };
  // A new codec per cold replay: its grammar, and the grammar's caches, are new.
  const fresh = (): TokenGrammar => {
    const grammar = createCodec(codec.name).grammar?.(vocabulary);
    if (!grammar) throw new Error(`The ${codec.name} codec has no grammar`);
    return grammar;
  };
  const warmGrammar = fresh();
  replay(warmGrammar);
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < Math.max(5, rounds); i++) {
    const coldGrammar = fresh();
    cold.push((await cpuMs(() => replay(coldGrammar))).ms);
    warm.push((await cpuMs(() => replay(warmGrammar))).ms);
  }
  const micros = (ms: number): number => (1000 * ms) / Math.max(1, replayedTokens);
  return {
    onMs: median(on),
    offMs: median(off),
    costPercent: median(ratios),
    bestPercent: (100 * (Math.min(...on) - Math.min(...off))) / Math.min(...off),
    lowestPercent: Math.min(...ratios),
    highestPercent: Math.max(...ratios),
    coldMicros: micros(median(cold)),
    warmMicros: micros(median(warm)),
    replayedTokens,
  };
}
