/**
 * The ABC grammar: a token is allowed exactly when the tune so far plus that token can still
 * be completed into a valid tune (abc_grammar_rules.ts says what valid is). Bar arithmetic is
 * in integer ticks (abc_grammar_tokens.ts), the "can this bar still be filled" part comes from
 * precomputed tables (abc_grammar_fill.ts), the rest is a small state machine.
 */
import type { GrammarOptions, GrammarState, TokenGrammar } from '../grammar.ts';
import { GrammarError } from '../grammar.ts';
import { classifyToken, ticksPerUnit, type BarKind, type GrammarToken } from './abc_grammar_tokens.ts';
import { HeaderContexts } from './abc_grammar_header.ts';
import { AbcGrammarState, type GrammarTables } from './abc_grammar_state.ts';

/** The ABC codec's grammar over one vocabulary (see the module comment). */
export class AbcGrammar implements TokenGrammar {
  private readonly classes: GrammarToken[];
  private readonly headers: HeaderContexts;
  /** Fill tables depend on which durations the constraints allow: one set per allowed-token mask. */
  private readonly byMask = new Map<string, HeaderContexts>();
  private readonly ticksPerUnit: number;

  constructor(readonly tokens: readonly string[]) {
    this.classes = tokens.map(classifyToken);
    this.ticksPerUnit = ticksPerUnit(this.classes);
    this.headers = this.contextsFor(null);
  }

  private contextsFor(allowed: Uint8Array | null): HeaderContexts {
    const usable = (id: number): boolean => allowed === null || allowed[id] !== 0;
    return new HeaderContexts(this.ticksPerUnit, (unitTicks) => {
      const durations = new Set<number>([unitTicks]);
      const broken: { first: { n: number; d: number }; second: { n: number; d: number } }[] = [];
      const tuplets: { p: number; q: number; r: number }[] = [];
      this.classes.forEach((c, id) => {
        if (!usable(id)) return;
        if (c.kind === 'duration') durations.add((unitTicks * c.value.n) / c.value.d);
        else if (c.kind === 'broken') broken.push({ first: c.first, second: c.second });
        else if (c.kind === 'tuplet') tuplets.push({ p: c.p, q: c.q, r: c.r });
      });
      return { durations: [...durations].sort((a, b) => a - b), broken, tuplets };
    });
  }

  /** The tables for these options (shared by every state started with the same allowed tokens). */
  private tables(options: GrammarOptions): GrammarTables {
    const allowed = options.allowedTokens ?? null;
    if (allowed && allowed.length !== this.tokens.length)
      throw new GrammarError(`allowedTokens has ${allowed.length} entries for ${this.tokens.length} tokens`);
    let headers = this.headers;
    if (allowed && !allowed.every((a) => a !== 0)) {
      const key = allowed.join('');
      headers = this.byMask.get(key) ?? this.contextsFor(allowed);
      this.byMask.set(key, headers);
    }
    const usable = (id: number): boolean => allowed === null || allowed[id] !== 0;
    const bars = new Set<BarKind>();
    let ending2 = false;
    this.classes.forEach((c, id) => {
      if (!usable(id)) return;
      if (c.kind === 'bar') bars.add(c.bar);
      else if (c.kind === 'ending' && c.number === 2) ending2 = true;
    });
    return {
      tokens: this.tokens,
      classes: this.classes,
      headers,
      allowed,
      pitchRange: options.pitchRange ?? null,
      allowHeaderChanges: options.allowHeaderChanges ?? false,
      bars,
      ending2,
    };
  }

  start(prefix: readonly number[], options: GrammarOptions = {}): GrammarState {
    const state = new AbcGrammarState(this.tables(options));
    for (const id of prefix) {
      if (!Number.isInteger(id) || id < 0 || id >= this.tokens.length)
        throw new GrammarError(`Token id ${id} is outside the vocabulary (size ${this.tokens.length})`);
      state.pushLenient(id);
    }
    state.settle();
    return state;
  }
}
