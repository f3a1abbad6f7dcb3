/**
 * One variation's bookkeeping in the sampling loop: its token mask for the next step (the
 * constraints, the end token held back, the grammar's restriction), its progress towards the
 * length (the grammar's `progress()`, else the codec's token lengths) and when it may stop.
 */
import type { CodecLengths, Token } from '../codecs/codec.ts';
import type { GrammarState } from '../codecs/grammar.ts';
import { lengthCounter, reached, type GenerationLength, type LengthCounter, type LengthTarget } from './length.ts';
import type { SampleOptions } from './sampler.ts';

/** The tokens of a variation so far and why it stopped (filled in by the loop). */
export interface StreamOutput {
  variation: number;
  prefix: Token[];
  tokens: Token[];
  stop: 'length' | 'end' | 'max-tokens' | 'aborted';
}

/** A variation being sampled. */
export class VariationStream {
  readonly output: StreamOutput;
  /** Sampling options whose mask this stream rewrites before each step. */
  readonly sample: SampleOptions;
  /** The length is reached: the grammar is finishing the piece. */
  private finishing = false;
  private readonly row: Uint8Array;
  private readonly counter: LengthCounter;
  private tokens = 0;

  constructor(
    variation: number,
    prefix: readonly Token[],
    private readonly target: LengthTarget,
    length: GenerationLength,
    lengths: CodecLengths,
    private grammar: GrammarState | null,
    private readonly constraint: Uint8Array,
    base: Omit<SampleOptions, 'mask'>,
    time: Parameters<typeof lengthCounter>[2],
  ) {
    this.output = { variation, prefix: [...prefix], tokens: [], stop: 'length' };
    this.row = new Uint8Array(constraint.length);
    this.sample = { ...base, mask: this.row };
    this.counter = lengthCounter(length, lengths, time);
  }

  /** True when the grammar keeps this stream valid. */
  get valid(): boolean {
    return this.grammar !== null;
  }

  /** Writes the mask for the next token; `endId` is held back before the length unless `allowEarlyEnd`. */
  prepareMask(endId: number | undefined, allowEarlyEnd: boolean): void {
    const row = this.row;
    row.set(this.constraint);
    if (endId !== undefined && !allowEarlyEnd && !this.finishing) row[endId] = 0;
    const grammar = this.grammar;
    if (!grammar) return;
    if (this.finishing && grammar.restrictToFinish) grammar.restrictToFinish(row);
    else grammar.restrict(row);
  }

  /** Follows a sampled token. */
  advance(id: number, token: Token): void {
    this.tokens++;
    const counted = this.counter.add(token);
    if (this.grammar) {
      try {
        this.grammar.push(id);
      } catch {
        // Only when the sampler had to ignore an empty mask: the stream goes on unguarded.
        this.grammar = null;
      }
    }
    if (this.finishing) return;
    this.finishing = this.grammar ? reached(this.target, this.grammarProgress()) : counted;
  }

  private grammarProgress(): number {
    if (this.target.unit === 'tokens') return this.tokens;
    const progress = this.grammar?.progress() ?? {};
    const value = this.target.unit === 'bars' ? progress.bars : progress.seconds;
    return value ?? this.counter.progress;
  }

  /** The length is reached and the piece may end here. */
  complete(): boolean {
    return this.finishing && (this.grammar === null || this.grammar.canEnd());
  }
}
