/**
 * How long to generate: a number of tokens (`200t`), of seconds (`30s`) or of bars (`16bars`),
 * and a per-stream counter that says when a stream has reached it.
 *
 * - Tokens count generated tokens.
 * - Otherwise the codec says what it counts (`Codec.lengths`): bar-based codecs (ABC) count
 *   bars, and seconds become bars through the prompt's meter and tempo; time-based codecs
 *   (performance, notes) count decoded time, and bars become seconds through the seed's meter
 *   and tempo (4/4 at 120 qpm when it has none).
 * - With a grammar the grammar's `progress()` counts (real bars: a pickup or an empty bar is
 *   not one); without, the codec's `lengths.advance` per token.
 */
import type { CodecLengths, TimeContext, Token } from '../codecs/codec.ts';

/** A parsed length. */
export interface GenerationLength {
  unit: 'tokens' | 'seconds' | 'bars';
  value: number;
}

/** Thrown for a length that cannot be parsed. */
export class LengthSyntaxError extends Error {
  override name = 'LengthSyntaxError';
}

const UNITS: Record<string, GenerationLength['unit']> = {
  t: 'tokens',
  tok: 'tokens',
  token: 'tokens',
  tokens: 'tokens',
  s: 'seconds',
  sec: 'seconds',
  secs: 'seconds',
  second: 'seconds',
  seconds: 'seconds',
  bar: 'bars',
  bars: 'bars',
  b: 'bars',
};

/** Parses `200t`, `30s`, `16bars` (also `200 tokens`, `1.5s`, `4 bar`); throws LengthSyntaxError. */
export function parseLength(text: string): GenerationLength {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  const unit = match ? UNITS[match[2].toLowerCase()] : undefined;
  if (!match || !unit) {
    throw new LengthSyntaxError(
      `Bad length "${text}": expected a number of tokens, seconds or bars, e.g. 200t, 30s or 16bars`,
    );
  }
  const value = Number(match[1]);
  if (!(value > 0) || (unit !== 'seconds' && !Number.isInteger(value))) {
    throw new LengthSyntaxError(
      `Bad length "${text}": ${unit === 'seconds' ? 'seconds must be > 0' : `${unit} must be a whole number > 0`}`,
    );
  }
  return { unit, value };
}

export type { TimeContext } from '../codecs/codec.ts';

/** Length of one bar in seconds. */
export function secondsPerBar(time: TimeContext): number {
  return (time.meter[0] * (4 / time.meter[1]) * 60) / time.qpm;
}

/** A length in the unit a codec counts: tokens, or its own bars / seconds. */
export interface LengthTarget {
  unit: 'tokens' | 'bars' | 'seconds';
  value: number;
}

/** `length` in the unit the codec counts (see the module comment). */
export function lengthTarget(
  length: GenerationLength,
  lengths: CodecLengths,
  time: TimeContext,
): LengthTarget {
  if (length.unit === 'tokens') return { unit: 'tokens', value: length.value };
  if (lengths.unit === 'bars') {
    const bars =
      length.unit === 'bars' ? length.value : Math.max(1, Math.round(length.value / secondsPerBar(time)));
    return { unit: 'bars', value: bars };
  }
  const seconds = length.unit === 'seconds' ? length.value : length.value * secondsPerBar(time);
  return { unit: 'seconds', value: seconds };
}

/** True once `progress` (in the target's unit) reaches the target. */
export function reached(target: LengthTarget, progress: number): boolean {
  // A hair of tolerance: sums of 0.01 s steps are not exact in floating point.
  return progress >= target.value - 1e-9;
}

/** Counts one stream's progress towards a length; `add` returns true once it is reached. */
export interface LengthCounter {
  add(token: Token): boolean;
  /** Progress so far in the target's unit. */
  readonly progress: number;
}

/** A counter for one stream from the codec's own token lengths (codecs without a grammar). */
export function lengthCounter(
  length: GenerationLength,
  lengths: CodecLengths,
  time: TimeContext,
): LengthCounter {
  const target = lengthTarget(length, lengths, time);
  let progress = 0;
  return {
    add(token: Token): boolean {
      progress += target.unit === 'tokens' ? 1 : lengths.advance(token);
      return reached(target, progress);
    },
    get progress() {
      return progress;
    },
  };
}
