/**
 * The ABC grammar: a token is allowed exactly when the tune so far plus that token can still
 * be completed into a valid tune (the top of abc_grammar_state.ts says what valid is). Bar
 * arithmetic is in integer ticks (abc_grammar_tokens.ts), the "can this bar still be filled"
 * part comes from precomputed tables (abc_grammar_fill.ts), the rest is a small state machine.
 * It runs at every generation step, so the mask is cheap: its structural part is cached by
 * state signature (abc_grammar_cache.ts) and the spelling kept per bar (abc_grammar_spelling.ts),
 * in tables shared by every generation with the same options.
 */
import type { GrammarOptions, TokenGrammar } from '../grammar.ts';
import { GrammarError } from '../grammar.ts';
import { classifyToken, ticksPerUnit, type BarKind, type GrammarToken } from './abc_grammar_tokens.ts';
import { HeaderContexts } from './abc_grammar_header.ts';
import { AbcGrammarState, SIGNATURE_LENGTH, type GrammarTables } from './abc_grammar_state.ts';
import { SignatureCache } from './abc_grammar_cache.ts';
import { noteTable, type NoteTable } from './abc_grammar_spelling.ts';

/** Option sets whose tables are kept (keys, ranges...): past it they are built again. */
const MAX_OPTION_SETS = 32;

/** The ABC codec's grammar over one vocabulary (see the module comment). */
export class AbcGrammar implements TokenGrammar {
  private readonly classes: GrammarToken[];
  private readonly notes: NoteTable;
  private readonly headers: HeaderContexts;
  /** Fill tables depend on which durations the constraints allow: one set per allowed-token mask. */
  private readonly byMask = new Map<string, HeaderContexts>();
  /** Tables (with their mask caches) by options. */
  private readonly byOptions = new Map<string, GrammarTables>();
  private readonly ticksPerUnit: number;

  constructor(readonly tokens: readonly string[]) {
    this.classes = tokens.map(classifyToken);
    this.notes = noteTable(this.classes);
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

  /**
   * The tables for these options, shared by every state started with the same options (so
   * their mask cache carries over from one generation to the next).
   */
  private tables(options: GrammarOptions): GrammarTables {
    const given = options.allowedTokens ?? null;
    if (given && given.length !== this.tokens.length)
      throw new GrammarError(`allowedTokens has ${given.length} entries for ${this.tokens.length} tokens`);
    const allowed = given && !given.every((a) => a !== 0) ? Uint8Array.from(given) : null;
    const range = options.pitchRange;
    const key = [
      allowed ? allowed.join('') : '*',
      range ? `${range.low}-${range.high}` : '',
      options.allowHeaderChanges === true ? 'h' : '',
    ].join(' ');
    let tables = this.byOptions.get(key);
    if (!tables) {
      tables = this.buildTables(allowed, options);
      if (this.byOptions.size >= MAX_OPTION_SETS) this.byOptions.clear();
      this.byOptions.set(key, tables);
    }
    return tables;
  }

  private buildTables(allowed: Uint8Array | null, options: GrammarOptions): GrammarTables {
    let headers = this.headers;
    if (allowed) {
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
    const ids = (test: (c: GrammarToken) => boolean): number[] =>
      this.classes.flatMap((c, id) => (test(c) ? [id] : []));
    return {
      tokens: this.tokens,
      classes: this.classes,
      headers,
      allowed,
      pitchRange: options.pitchRange ? { ...options.pitchRange } : null,
      allowHeaderChanges: options.allowHeaderChanges ?? false,
      bars,
      ending2,
      masks: new SignatureCache(),
      signature: new Int32Array(SIGNATURE_LENGTH),
      headerIds: new Map(),
      freshSpellings: new Map(),
      notes: this.notes,
      endIds: ids((c) => c.kind === 'end'),
      tieIds: ids((c) => c.kind === 'tie').filter(usable),
      chordOpenIds: ids((c) => c.kind === 'chordOpen').filter(usable),
      structuralIds: ids((c) => c.kind !== 'note' && c.kind !== 'tie' && c.kind !== 'chordOpen').filter(
        usable,
      ),
      finishCleared: ids(
        (c) =>
          (c.kind === 'bar' && (c.bar === '|:' || c.bar === '::')) ||
          (c.kind === 'ending' && c.number === 1) ||
          c.kind === 'field',
      ),
      repeatEnds: ids((c) => c.kind === 'bar' && c.bar === ':|'),
      plainBars: ids((c) => c.kind === 'bar' && c.bar === '|'),
    };
  }

  /** How often the structural mask cache answered, over every option set (for the benchmark and tests). */
  cacheStats(): { hits: number; misses: number; entries: number } {
    const stats = { hits: 0, misses: 0, entries: 0 };
    for (const { masks } of this.byOptions.values()) {
      stats.hits += masks.hits;
      stats.misses += masks.misses;
      stats.entries += masks.size;
    }
    return stats;
  }

  start(prefix: readonly number[], options: GrammarOptions = {}): AbcGrammarState {
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
