/**
 * One variation's bookkeeping in the sampling loop: its token mask for the next step (the
 * constraints, the end token held back, the grammar's restriction), its progress towards the
 * length (the grammar's `progress()`, else the codec's token lengths) and when it may stop.
 */
import type { CodecLengths, Token } from '../codecs/codec.ts';
import type { GrammarState } from '../codecs/grammar.ts';
import {
  lengthCounter,
  reached,
  type GenerationLength,
  type LengthCounter,
  type LengthTarget,
} from './length.ts';
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
  private readonly origin: number;

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
    /** 1 for tokens that neither move time on nor start a note (finishing prefers them). */
    private readonly calm: Uint8Array,
  ) {
    this.output = { variation, prefix: [...prefix], tokens: [], stop: 'length' };
    this.row = new Uint8Array(constraint.length);
    this.sample = { ...base, mask: this.row };
    this.counter = lengthCounter(length, lengths, time);
    // The prompt's own bars or seconds do not count towards the length.
    this.origin = this.measure();
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
    if (!this.finishing) grammar.restrict(row);
    else if (grammar.restrictToFinish) grammar.restrictToFinish(row);
    else this.finishWithout(grammar);
  }

  /**
   * Finishing for a grammar without `restrictToFinish`: keep the tokens after which the piece
   * can end, else those that neither move time on nor start a note, when any remain.
   */
  private finishWithout(grammar: GrammarState): void {
    const row = this.row;
    grammar.restrict(row);
    const allowed: number[] = [];
    for (let id = 0; id < row.length; id++) if (row[id]) allowed.push(id);
    const ending = allowed.filter((id) => {
      const next = grammar.clone();
      next.push(id);
      return next.canEnd();
    });
    const calm = allowed.filter((id) => this.calm[id] === 1);
    const keep = ending.length > 0 ? ending : calm;
    if (keep.length === 0) return;
    row.fill(0);
    for (const id of keep) row[id] = 1;
  }

  /** Follows a sampled token. */
  advance(id: number, token: Token): void {
    const counted = this.counter.add(token);
    if (this.grammar) {
      try {
        this.grammar.push(id);
      } catch {
        // Only when the sampler had to ignore an empty mask: the stream goes on unguarded.
        this.grammar = null;
      }
    }
    if (this.finishing || this.target.unit === 'tokens') return;
    this.finishing = this.grammar ? reached(this.target, this.grammarProgress()) : counted;
  }

  /** The grammar's progress in the target's unit (0 without a grammar or that unit). */
  private measure(): number {
    const progress = this.grammar?.progress() ?? {};
    return (this.target.unit === 'bars' ? progress.bars : progress.seconds) ?? 0;
  }

  private grammarProgress(): number {
    const progress = this.grammar?.progress() ?? {};
    const value = this.target.unit === 'bars' ? progress.bars : progress.seconds;
    return value === undefined ? this.counter.progress : value - this.origin;
  }

  /** The length is reached and the piece may end here. */
  complete(): boolean {
    return this.finishing && (this.grammar === null || this.grammar.canEnd());
  }
}
