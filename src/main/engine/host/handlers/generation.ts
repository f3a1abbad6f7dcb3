import type { DecodedSeed, EngineParsedPayloadOf, GeneratedVariation } from '../../../../shared/ipc/index.ts';
import type { Codec, Token } from '../../codecs/codec.ts';
import { TokenGenerator } from '../../generate/generator.ts';
import { loadGenerationModel, type GenerationModel } from '../../generate/load_model.ts';
import { decodeVariation } from '../../generate/outputs.ts';
import type { EngineContext, EngineHandlers } from '../context.ts';
import { seedOptions } from '../studio/seed_payload.ts';
import { wireNotes, wireSequence } from '../studio/wire_music.ts';
import { takeIndex, takeQuality } from '../../quality/take_quality.ts';

/** Least time between two note events of one variation (the first notes go at once). */
const EVENT_INTERVAL_MS = 120;

/** `generation.start`: generates in this process; notes stream as `generation.event`. */
export function generationHandlers(context: EngineContext): Pick<EngineHandlers, 'generation.start'> {
  return {
    'generation.start': (payload) => {
      context.jobs.run(payload.jobId, (signal) => runGeneration(context, payload, signal));
      return { jobId: payload.jobId };
    },
  };
}

async function generatorFor(
  modelDir: string,
): Promise<{ model: GenerationModel; generator: TokenGenerator }> {
  // A model folder changes while it trains: load it afresh for every generation.
  const model = await loadGenerationModel(modelDir);
  return { model, generator: new TokenGenerator(model) };
}

async function runGeneration(
  context: EngineContext,
  payload: EngineParsedPayloadOf<'generation.start'>,
  signal: AbortSignal,
): Promise<void> {
  const { jobId } = payload;
  const started = performance.now();
  try {
    const { model, generator } = await generatorFor(payload.modelDir);
    const { codec } = model;
    const seed = payload.seed ? await seedOptions(payload.seed, model) : {};
    // The music part of the prompt (seed, or the ABC header), given by the generator once it has
    // primed, so streamed notes decode like the final result.
    let prefix: Token[] = [];
    const streams: { prefix: Token[]; tokens: Token[]; sentAt: number; sentNotes: number }[] = [];
    const flush = (variation: number, force: boolean): void => {
      const stream = streams[variation];
      const now = performance.now();
      if (!force && now - stream.sentAt < EVENT_INTERVAL_MS && stream.sentNotes > 0) return;
      let sequence;
      try {
        sequence = codec.decode([...stream.prefix, ...stream.tokens]).sequence;
      } catch {
        return; // A half-made ABC tune may not decode yet; the next token will.
      }
      if (sequence.notes.length === 0 && !force) return;
      stream.sentAt = now;
      stream.sentNotes = sequence.notes.length;
      context.emit('generation.event', {
        jobId,
        variation,
        tokens: stream.tokens.length,
        notes: wireNotes(sequence.notes),
        totalTime: Math.max(0, Math.min(1e6, sequence.totalTime)),
      });
    };
    const result = await generator.generate({
      ...seed,
      length: payload.length,
      temperature: payload.temperature,
      topK: payload.topK,
      topP: payload.topP,
      variations: payload.variations,
      ...(payload.key ? { key: payload.key } : {}),
      ...(payload.randomSeed !== undefined ? { rngSeed: payload.randomSeed } : {}),
      signal,
      onPrimed: (primed) => {
        prefix = primed.prefix;
      },
      onEvent: (event) => {
        let stream = streams[event.variation];
        if (!stream) {
          stream = { prefix, tokens: [], sentAt: 0, sentNotes: 0 };
          streams[event.variation] = stream;
        }
        stream.tokens.push(event.token);
        flush(event.variation, false);
      },
    });
    const index = await takeIndex(payload.modelDir);
    const variations: GeneratedVariation[] = result.variations.map((tokens) => {
      const decoded = decodeVariation(codec, tokens);
      const quality = takeQuality(decoded, model, index);
      return {
        ...(quality ? { quality } : {}),
        variation: tokens.variation,
        sequence: wireSequence(decoded.full.sequence),
        abc: decoded.full.abc ? decoded.full.abc.slice(0, 200_000) : null,
        tokens: tokens.tokens.length,
      };
    });
    for (const variation of variations) {
      context.emit('generation.event', {
        jobId,
        variation: variation.variation,
        tokens: variation.tokens,
        notes: variation.sequence.notes,
        totalTime: variation.sequence.totalTime,
      });
    }
    const decodedSeed = payload.seed
      ? seedAsDecoded(codec, result.variations[0]?.prefix ?? prefix)
      : undefined;
    context.emit('generation.finished', {
      jobId,
      outcome: result.aborted ? 'cancelled' : 'done',
      ...(result.aborted ? { message: 'Generation cancelled' } : {}),
      variations,
      seconds: (performance.now() - started) / 1000,
      ...(decodedSeed ? { seed: decodedSeed } : {}),
    });
  } catch (error) {
    context.emit('generation.finished', {
      jobId,
      outcome: signal.aborted ? 'cancelled' : 'failed',
      message: `Generation failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 2000),
      variations: [],
      seconds: (performance.now() - started) / 1000,
    });
  }
}

/**
 * The seed part of a prompt decoded back to notes: what the model was given to continue. Its
 * end is where the continuation's time starts (the seed's total time, at least its last note's end).
 */
function seedAsDecoded(codec: Codec, prefix: readonly Token[]): DecodedSeed | undefined {
  let sequence: { notes: readonly { startTime: number; endTime: number }[]; totalTime: number };
  try {
    sequence = codec.decode([...prefix]).sequence;
  } catch {
    return undefined; // Not decodable on its own: the caller then has no seed figures.
  }
  const { notes } = sequence;
  let startTime = Infinity;
  let endTime = Number.isFinite(sequence.totalTime) ? sequence.totalTime : 0;
  for (const note of notes) {
    startTime = Math.min(startTime, note.startTime);
    endTime = Math.max(endTime, note.endTime);
  }
  return {
    notes: notes.length,
    startTime: notes.length ? Math.max(0, startTime) : 0,
    endTime: Math.max(0, endTime),
  };
}
