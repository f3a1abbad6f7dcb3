/**
 * How long to generate: a number of tokens (`200t`), of seconds (`30s`) or of bars (`16bars`),
 * and a per-stream counter that says when a stream has reached it.
 *
 * - Tokens count generated tokens.
 * - Seconds count decoded time: performance TIME_SHIFTs (10 ms steps), notes `T_` steps at the
 *   codec's tempo; for ABC, seconds become bars through the tempo (ABC's default Q:1/4=120,
 *   since tokens carry no Q:) and the meter of the prompt.
 * - Bars count bar-line tokens for ABC; for performance and notes they become seconds through
 *   the seed's meter and tempo (4/4 at 120 qpm when it has none).
 * Time-based lengths stop at the first token that reaches the target, so the music ends on
 * a complete bar (ABC) or right at the target time.
 */
import type { Token } from '../codecs/codec.ts';
import { BAR_TOKENS } from '../codecs/abc_lexer.ts';
import { parsePerformanceToken, STEPS_PER_SECOND } from '../codecs/performance.ts';

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

/** Musical time of the prompt, for converting bars and seconds. */
export interface TimeContext {
  /** Quarter notes per minute. */
  qpm: number;
  /** Beats in a bar and the beat's note value, e.g. 6/8 = [6, 8]. */
  meter: readonly [number, number];
}

/** Length of one bar in seconds. */
export function secondsPerBar(time: TimeContext): number {
  return (time.meter[0] * (4 / time.meter[1]) * 60) / time.qpm;
}

/** What decides a stream's progress: how a codec's tokens move time on. */
export interface LengthCodecInfo {
  name: 'performance' | 'abc' | 'notes';
  /** Notes codec: grid steps per quarter (default 4). */
  stepsPerQuarter?: number;
  /** Notes codec: decoding tempo (default 120). */
  qpm?: number;
}

/** Counts one stream's progress towards a length; `add` returns true once it is reached. */
export interface LengthCounter {
  add(token: Token): boolean;
  /** Progress so far in the length's unit. */
  readonly progress: number;
}

const BARS = new Set(BAR_TOKENS);

/** A counter for one stream. `time` gives the meter and tempo (see the module comment). */
export function lengthCounter(
  length: GenerationLength,
  codec: LengthCodecInfo,
  time: TimeContext,
): LengthCounter {
  if (length.unit === 'tokens') return counter(length.value, () => 1);
  if (codec.name === 'abc') {
    const bars =
      length.unit === 'bars' ? length.value : Math.max(1, Math.round(length.value / secondsPerBar(time)));
    return counter(bars, (token) => (BARS.has(token) ? 1 : 0));
  }
  const seconds = length.unit === 'seconds' ? length.value : length.value * secondsPerBar(time);
  if (codec.name === 'performance') {
    return counter(seconds, (token) => {
      const event = parsePerformanceToken(token);
      return event?.kind === 'shift' ? event.value / STEPS_PER_SECOND : 0;
    });
  }
  const secondsPerStep = 60 / (codec.qpm ?? 120) / (codec.stepsPerQuarter ?? 4);
  return counter(seconds, (token) => {
    const match = /^T_(\d+)$/.exec(token);
    return match ? Number(match[1]) * secondsPerStep : 0;
  });
}

function counter(target: number, amount: (token: Token) => number): LengthCounter {
  let progress = 0;
  return {
    add(token: Token): boolean {
      progress += amount(token);
      // A hair of tolerance: sums of 0.01 s steps are not exact in floating point.
      return progress >= target - 1e-9;
    },
    get progress() {
      return progress;
    },
  };
}
