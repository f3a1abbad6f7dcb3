/**
 * The generator: primes an LSTM with a prompt once, then samples one token at a time for N
 * variations in one batch, carrying the LSTM state (LstmStepper: one step per event, never a
 * window re-run).
 *
 * - Priming runs a batch-1 stepper over the prompt; its state and last logits are copied to
 *   every stream of the batch (for several variations, a second stepper of batch N).
 * - Each variation v has its own random stream, `variationRng(rngSeed, v)`, and the batch
 *   computes every stream exactly as a batch of one would, so variation v of a batch equals a
 *   run of that variation alone (`firstVariation: v, variations: 1`).
 * - Constraints (key, pitch range) mask the logits (constraints.ts); a codec's start token is
 *   never generated.
 * - Valid by construction: when the codec has a grammar (`Codec.grammar`), each variation
 *   keeps a GrammarState; every step its mask is intersected with the constraint mask, the
 *   sampled token is pushed, the length is counted by the grammar's `progress()` (a length in
 *   bars counts real bars), and once it is reached the grammar finishes the piece (only tokens
 *   that lead to an end) and the stream stops where `canEnd()`.
 * - A length in tokens is an exact count: the stream stops there, valid or not.
 * - A stream stops at its length, at the codec's end token or at `maxTokens`; the run stops
 *   when all have, or when `signal` aborts (the result then says `aborted` and holds what was made).
 * - Events go to `onEvent` as they are sampled; the loop yields to the event loop every
 *   `sliceMs` so an abort, or a consumer of `generateStream`, gets through promptly.
 */
import type { HeaderSlot, Token } from '../codecs/codec.ts';
import type { GrammarOptions, GrammarState } from '../codecs/grammar.ts';
import type { MusicItem } from '../music/music_item.ts';
import { LstmStepper } from '../model/stepper.ts';
import { Rng } from '../random/rng.ts';
import { constraintMask } from './constraints.ts';
import { lengthTarget, parseLength, type GenerationLength } from './length.ts';
import type { GenerationModel } from './load_model.ts';
import { TokenSampler } from './sampler.ts';
import { VariationStream } from './variation_stream.ts';
import { buildPrompt, encodeSeed } from './seed.ts';

/** Options of one generation run. */
export interface GenerateOptions {
  /** Music to continue (e.g. from `readSeedFile`); encoded with the model's codec. */
  seed?: MusicItem;
  /** Or seed tokens directly (ABC: from `<s>`, without `</s>`). */
  seedTokens?: readonly Token[];
  /** `200t`, `30s`, `16bars` or a parsed length; default 200 tokens. */
  length?: GenerationLength | string;
  /**
   * ABC: let the model end the tune (`</s>`) before `length` is reached. Default false: the
   * end token is masked until then, so a musician gets the length asked for.
   */
  allowEarlyEnd?: boolean;
  /** Hard cap of tokens per variation (default 10,000; at most `length` for token lengths). */
  maxTokens?: number;
  /** Softmax temperature (default 1; 0 = argmax). */
  temperature?: number;
  /** Keep the k best tokens (0 / undefined = all). */
  topK?: number;
  /** Nucleus sampling threshold in (0, 1] (undefined = off). */
  topP?: number;
  /** Continuations of the one seed, in one batch (default 1). */
  variations?: number;
  /** Random-stream number of the first variation (default 0); see the module comment. */
  firstVariation?: number;
  /** Stay in this key or scale ("D major", "A minor pentatonic"). */
  key?: string;
  /** Stay in this MIDI pitch range, inclusive. */
  pitchRange?: readonly [number, number];
  /** Seed of the random streams; default: a random one (returned in the result). */
  rngSeed?: number | string;
  /** ABC without a seed: the meter, e.g. "6/8" (default: the model's most likely one). */
  meter?: string;
  /** ABC without a seed: the unit note length, e.g. "1/8" (default: the model's choice). */
  unit?: string;
  /** ABC without a seed: the key, e.g. "G" or "Ador" (default: the model's choice; `key` overrides it). */
  abcKey?: string;
  /** Follow the codec's grammar when it has one (default true; false only to measure its cost). */
  grammar?: boolean;
  /** ABC: allow meter, unit or key changes inside the tune (default false). */
  allowHeaderChanges?: boolean;
  /** Called once after priming, before the first event: the prefix every variation's music starts with. */
  onPrimed?: (primed: { prefix: Token[]; promptTokens: number }) => void;
  /** Receives each token as it is sampled. */
  onEvent?: (event: GenerationEvent) => void;
  /** Stops the run; the result keeps what was generated. */
  signal?: AbortSignal;
  /** Yield to the event loop at least this often, in ms (default 8). */
  sliceMs?: number;
  /** false: the plain-JS stepper instead of WebAssembly SIMD. */
  simd?: boolean;
}

/** One generated token. */
export interface GenerationEvent {
  /** Variation number, from 0 (`firstVariation` not added). */
  variation: number;
  /** Position in the variation's continuation, from 0. */
  index: number;
  token: Token;
  /** Its vocabulary id. */
  id: number;
}

/** Why a variation stopped. */
export type StopReason = 'length' | 'end' | 'max-tokens' | 'aborted';

/** One variation's tokens. */
export interface VariationTokens {
  variation: number;
  /** The prompt part that belongs to the music (seed, or the ABC header); no neutral primer. */
  prefix: Token[];
  /** The generated continuation (ABC: up to and including `</s>` when it came). */
  tokens: Token[];
  stop: StopReason;
}

/** What a run produced and how fast. */
export interface GenerationResult {
  /** What ran the network: the stepper's WebAssembly SIMD kernel or its plain-JS path. */
  backend: 'wasm-simd' | 'js';
  codec: string;
  rngSeed: number | string;
  /** Tokens fed to prime the network (once for all variations). */
  promptTokens: number;
  variations: VariationTokens[];
  /** Generated tokens over all variations. */
  tokens: number;
  /** Wall milliseconds of the sampling loop per generated token (priming excluded). */
  msPerEvent: number;
  primeMs: number;
  aborted: boolean;
  /** Tokens sampled unmasked because the constraints left nothing. */
  maskIgnored: number;
  /** True when the codec's grammar kept every variation valid (false: no grammar, or it was off). */
  grammar: boolean;
}

/** Thrown for options that cannot work with this model. */
export class GenerationError extends Error {
  override name = 'GenerationError';
}

const DEFAULT_MAX_TOKENS = 10_000;

/** The random stream of variation `v` for a run seeded with `rngSeed`. */
export function variationRng(rngSeed: number | string, v: number): Rng {
  return new Rng(`${String(rngSeed)}:${v}`);
}

/** The prompt primed into a batch-1 stepper: its state, its last logits, the tokens fed. */
export interface PrimedState {
  state: Float32Array[];
  logits: Float32Array;
  prompt: Token[];
  primerLength: number;
}

function checkOptions(options: GenerateOptions): void {
  const int = (name: string, v: number | undefined, min: number): void => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min))
      throw new GenerationError(`${name} must be an integer >= ${min}, got ${v}`);
  };
  int('variations', options.variations, 1);
  int('firstVariation', options.firstVariation, 0);
  int('maxTokens', options.maxTokens, 1);
  int('topK', options.topK, 0);
  const t = options.temperature;
  if (t !== undefined && !(t >= 0 && Number.isFinite(t)))
    throw new GenerationError(`temperature must be a finite number >= 0, got ${t}`);
  const p = options.topP;
  if (p !== undefined && !(p > 0 && p <= 1)) throw new GenerationError(`topP must be in (0, 1], got ${p}`);
  if (options.seed && options.seedTokens) throw new GenerationError('Give a seed or seed tokens, not both');
}

/** Generation over one model; keeps a batch-1 stepper between runs. */
export class TokenGenerator {
  /** Idle steppers by batch size and kernel choice ("8:simd"); a run takes one and gives it back. */
  private readonly idle = new Map<string, LstmStepper[]>();

  constructor(readonly model: GenerationModel) {
    if (model.vocabulary.size !== model.config.vocabSize) {
      throw new GenerationError(
        `Vocabulary size ${model.vocabulary.size} differs from the network's ${model.config.vocabSize}`,
      );
    }
  }

  /** A stepper no other run is using (runs may overlap: each owns its states). */
  private acquire(batch: number, simd: boolean): LstmStepper {
    const stepper = this.idle.get(`${batch}:${simd}`)?.pop();
    return stepper ?? new LstmStepper(this.model.config, this.model.weights, batch, { simd });
  }

  private release(stepper: LstmStepper, simd: boolean): void {
    const key = `${stepper.batch}:${simd}`;
    const list = this.idle.get(key) ?? [];
    list.push(stepper);
    this.idle.set(key, list);
  }

  /**
   * Feeds the prompt for these options into a fresh batch-1 state, choosing ABC header tokens
   * the options leave open; returns the state and the logits for the first generated token.
   */
  prime(options: GenerateOptions = {}): PrimedState {
    const { codec, vocabulary } = this.model;
    const forcedKeyToken = options.key !== undefined ? this.mask(options).keyToken : null;
    const seedTokens = options.seed
      ? encodeSeed(codec, options.seed, vocabulary)
      : options.seedTokens
        ? [...options.seedTokens]
        : undefined;
    if (seedTokens && seedTokens.length === 0) throw new GenerationError('The seed has no tokens');
    const unknown = seedTokens?.find((t) => !vocabulary.has(t));
    if (unknown !== undefined)
      throw new GenerationError(`Seed token "${unknown}" is not in the model's vocabulary`);
    const prompt = buildPrompt(codec, vocabulary, seedTokens, {
      meter: options.meter,
      unit: options.unit,
      key: options.abcKey,
      forcedKeyToken,
    });
    const simd = options.simd !== false;
    const stepper = this.acquire(1, simd);
    try {
      return this.feedPrompt(stepper, prompt.prime, prompt.header, prompt.primerLength);
    } finally {
      this.release(stepper, simd);
    }
  }

  private feedPrompt(
    stepper: LstmStepper,
    prime: readonly Token[],
    header: readonly HeaderSlot[],
    primerLength: number,
  ): PrimedState {
    const { vocabulary } = this.model;
    stepper.reset();
    const ids = new Int32Array(1);
    const fed: Token[] = [];
    let logits: Float32Array = new Float32Array(0);
    const feed = (token: Token): void => {
      ids[0] = vocabulary.idOf(token) as number;
      logits = stepper.step(ids);
      fed.push(token);
    };
    prime.forEach(feed);
    for (const slot of header) feed(this.chooseHeader(slot, logits));
    return { state: stepper.getState(), logits: Float32Array.from(logits), prompt: fed, primerLength };
  }

  /** A header slot's token: given, or the candidate with the highest logit. */
  private chooseHeader(slot: HeaderSlot, logits: Float32Array): Token {
    if ('token' in slot) return slot.token;
    let best = slot.candidates[0];
    let bestLogit = -Infinity;
    for (const token of slot.candidates) {
      const value = logits[this.model.vocabulary.idOf(token) as number];
      if (value > bestLogit) {
        best = token;
        bestLogit = value;
      }
    }
    return best;
  }

  /**
   * The token mask for the options' constraints (all ones when none), the key token a
   * key-signature codec needs, and the mask without the start token (what the grammar plans with).
   */
  private mask(options: GenerateOptions): { mask: Uint8Array; keyToken: Token | null } {
    const { codec, vocabulary } = this.model;
    let mask: Uint8Array = new Uint8Array(vocabulary.size).fill(1);
    let keyToken: Token | null = null;
    if (options.key !== undefined || options.pitchRange !== undefined) {
      const built = constraintMask(vocabulary.tokens, codec, {
        key: options.key,
        pitchRange: options.pitchRange,
      });
      mask = built.mask;
      keyToken = built.keyToken;
    }
    const start = codec.startToken === null ? undefined : vocabulary.idOf(codec.startToken);
    if (start !== undefined) mask[start] = 0;
    return { mask, keyToken };
  }

  /** One grammar state per variation after the prompt's music, or null without a grammar. */
  private grammarStates(
    primed: PrimedState,
    variations: number,
    allowed: Uint8Array,
    options: GenerateOptions,
  ): GrammarState[] | null {
    const { codec, vocabulary } = this.model;
    if (options.grammar === false || !codec.grammar) return null;
    const grammarOptions: GrammarOptions = {
      allowedTokens: allowed,
      allowHeaderChanges: options.allowHeaderChanges ?? false,
      ...(options.pitchRange
        ? { pitchRange: { low: options.pitchRange[0], high: options.pitchRange[1] } }
        : {}),
    };
    const prefix = Array.from(vocabulary.encode(primed.prompt.slice(primed.primerLength)));
    const first = codec.grammar(vocabulary).start(prefix, grammarOptions);
    return Array.from({ length: variations }, (_, v) => (v === 0 ? first : first.clone()));
  }

  /** Runs a generation; see the module comment. Rejects only for bad options, seeds or models. */
  async generate(options: GenerateOptions = {}): Promise<GenerationResult> {
    checkOptions(options);
    const length =
      typeof options.length === 'string'
        ? parseLength(options.length)
        : (options.length ?? { unit: 'tokens' as const, value: 200 });
    const simd = options.simd !== false;
    const primeStart = performance.now();
    const primed = this.prime(options);
    const primeMs = performance.now() - primeStart;
    const stepper = this.acquire(options.variations ?? 1, simd);
    try {
      return await this.sampleLoop(stepper, primed, length, primeMs, options);
    } finally {
      this.release(stepper, simd);
    }
  }

  /** Copies the primed state to every stream of `stepper` and samples until every stream stops. */
  private async sampleLoop(
    stepper: LstmStepper,
    primed: PrimedState,
    length: GenerationLength,
    primeMs: number,
    options: GenerateOptions,
  ): Promise<GenerationResult> {
    const { codec, vocabulary } = this.model;
    const variations = stepper.batch;
    const firstVariation = options.firstVariation ?? 0;
    const rngSeed = options.rngSeed ?? Math.floor(Math.random() * 2 ** 31);
    const constraint = this.mask(options).mask;
    const grammars = this.grammarStates(primed, variations, constraint, options);
    const target = lengthTarget(
      length,
      codec.lengths,
      codec.lengths.timeContext(primed.prompt, options.seed),
    );
    // A length in tokens is an exact count (a technical length: the piece may stop mid-bar).
    const hardCap = options.maxTokens ?? DEFAULT_MAX_TOKENS;
    const maxTokens = target.unit === 'tokens' ? Math.min(hardCap, target.value) : hardCap;
    const endId = codec.endToken === null ? undefined : vocabulary.idOf(codec.endToken);
    const allowEarlyEnd = options.allowEarlyEnd ?? false;
    const prefix = primed.prompt.slice(primed.primerLength);
    options.onPrimed?.({ prefix: [...prefix], promptTokens: primed.prompt.length });
    const vocab = vocabulary.size;
    stepper.setState(variations === 1 ? primed.state : primed.state.map((s) => tile(s, variations)));
    let logits = variations === 1 ? primed.logits : tile(primed.logits, variations);
    const rngs = Array.from({ length: variations }, (_, v) => variationRng(rngSeed, firstVariation + v));
    const time = codec.lengths.timeContext(primed.prompt, options.seed);
    const base = { temperature: options.temperature ?? 1, topK: options.topK, topP: options.topP };
    const calm = Uint8Array.from(vocabulary.tokens, (t) =>
      codec.lengths.advance(t) === 0 && codec.pitchesOf(t).length === 0 ? 1 : 0,
    );
    const streams = Array.from(
      { length: variations },
      (_, v) =>
        new VariationStream(
          v,
          prefix,
          target,
          length,
          codec.lengths,
          grammars?.[v] ?? null,
          constraint,
          base,
          time,
          calm,
        ),
    );
    const done = new Uint8Array(variations);
    let remaining = variations;
    const next = new Int32Array(variations);
    const sampler = new TokenSampler();
    const sliceMs = options.sliceMs ?? 8;
    const signal = options.signal;
    let generated = 0;
    let aborted = false;
    const loopStart = performance.now();
    let sliceStart = loopStart;

    while (remaining > 0) {
      if (signal?.aborted) {
        aborted = true;
        break;
      }
      for (let v = 0; v < variations; v++) {
        if (done[v]) continue;
        const stream = streams[v];
        const out = stream.output;
        stream.prepareMask(endId, allowEarlyEnd);
        const id = sampler.sample(logits.subarray(v * vocab, (v + 1) * vocab), stream.sample, rngs[v]);
        const token = vocabulary.tokens[id];
        out.tokens.push(token);
        next[v] = id;
        generated++;
        stream.advance(id, token);
        options.onEvent?.({ variation: v, index: out.tokens.length - 1, token, id });
        let stop: StopReason | undefined;
        if (id === endId) stop = 'end';
        else if (stream.complete()) stop = 'length';
        else if (out.tokens.length >= maxTokens) stop = target.unit === 'tokens' ? 'length' : 'max-tokens';
        if (stop) {
          out.stop = stop;
          done[v] = 1;
          remaining--;
        }
      }
      if (remaining === 0) break;
      // Finished streams keep being fed their last token: cheaper than reshaping the batch.
      logits = stepper.step(next);
      if (performance.now() - sliceStart >= sliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    if (aborted) for (let v = 0; v < variations; v++) if (!done[v]) streams[v].output.stop = 'aborted';
    const loopMs = performance.now() - loopStart;
    return {
      backend: stepper.usesSimd ? 'wasm-simd' : 'js',
      codec: codec.name,
      rngSeed,
      promptTokens: primed.prompt.length,
      variations: streams.map((s) => s.output),
      tokens: generated,
      msPerEvent: generated > 0 ? loopMs / generated : 0,
      primeMs,
      aborted,
      maskIgnored: sampler.maskIgnoredCount,
      grammar: grammars !== null && streams.every((s) => s.valid),
    };
  }
}

/** `data` repeated `times` times back to back. */
function tile(data: Float32Array, times: number): Float32Array {
  const out = new Float32Array(data.length * times);
  for (let i = 0; i < times; i++) out.set(data, i * data.length);
  return out;
}

/** An async stream of a run's events, and its result once it ends. */
export interface GenerationStream extends AsyncIterable<GenerationEvent> {
  /** Resolves when the run ends (or rejects as `generate` would). */
  readonly result: Promise<GenerationResult>;
}

/**
 * The events of a run as an async iterator (for the studio: `for await (const e of stream)`).
 * Breaking out of the loop does not stop the run: abort its `signal` for that.
 */
export function generateStream(generator: TokenGenerator, options: GenerateOptions = {}): GenerationStream {
  const queue: GenerationEvent[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  const result = generator
    .generate({
      ...options,
      onEvent: (event) => {
        options.onEvent?.(event);
        queue.push(event);
        notify();
      },
    })
    .finally(() => {
      finished = true;
      notify();
    });
  // The iterator surfaces failures; this keeps an unobserved `result` from being reported twice.
  result.catch(() => undefined);
  return {
    result,
    async *[Symbol.asyncIterator]() {
      let read = 0;
      for (;;) {
        while (read < queue.length) yield queue[read++];
        if (finished) {
          await result;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}
