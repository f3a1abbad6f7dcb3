/** Training augmentation on token sequences: transposition and time stretch. */
import type { Codec, Token } from './codec.ts';
import { MAX_SHIFT_STEPS, parsePerformanceToken, shiftToken } from './performance/performance.ts';

/** The same music moved by `semitones` (delegates to the codec); null when out of range. */
export function transposeTokens(codec: Codec, tokens: readonly Token[], semitones: number): Token[] | null {
  return codec.transpose(tokens, semitones);
}

/** A random whole number of semitones in -range..range, from `rng` (returns [0, 1)). */
export function randomTransposition(rng: () => number, range: number): number {
  const span = Math.max(0, Math.floor(range));
  return Math.min(span, Math.floor(rng() * (2 * span + 1)) - span);
}

/**
 * Performance tokens played `factor` times as long (0.95..1.05 for augmentation): every
 * event keeps its order, its time is scaled and rounded to the 10 ms grid, and the
 * TIME_SHIFTs are rewritten. Other tokens pass through unchanged.
 */
export function stretchPerformance(tokens: readonly Token[], factor: number): Token[] {
  if (!(factor > 0) || !Number.isFinite(factor))
    throw new RangeError(`stretch factor must be positive, got ${factor}`);
  const out: Token[] = [];
  let time = 0;
  let written = 0;
  const onsets = new Map<number, number>();
  for (const token of tokens) {
    const event = parsePerformanceToken(token);
    if (event?.kind === 'shift') {
      time += event.value;
      continue;
    }
    let target = Math.round(time * factor);
    // A note never shrinks to nothing: its NOTE_OFF stays at least one step after its NOTE_ON.
    if (event?.kind === 'on') onsets.set(event.value, Math.max(target, written));
    else if (event?.kind === 'off') {
      const onset = onsets.get(event.value);
      if (onset !== undefined) target = Math.max(target, onset + 1);
      onsets.delete(event.value);
    }
    for (let gap = target - written; gap > 0; gap -= MAX_SHIFT_STEPS)
      out.push(shiftToken(Math.min(gap, MAX_SHIFT_STEPS)));
    written = Math.max(written, target);
    out.push(token);
  }
  const end = Math.round(time * factor);
  for (let gap = end - written; gap > 0; gap -= MAX_SHIFT_STEPS)
    out.push(shiftToken(Math.min(gap, MAX_SHIFT_STEPS)));
  return out;
}
