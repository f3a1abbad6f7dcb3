/**
 * The folk-rnn style ABC codec: `<s>`, meter `M:6/8`, unit `L:1/8`, key `K:Dmaj`, the body
 * tokens of abc_lexer.ts (made well formed by abc_body.ts), `</s>`. Works from the tune's
 * ABC text, not from its notes. Decoding writes valid ABC text and reads it back with the
 * ABC importer to get the notes.
 */
import {
  CodecError,
  type Codec,
  type CodecLengths,
  type DecodedMusic,
  type PromptChoices,
  type Token,
  type UnseededPrompt,
} from '../codec.ts';
import type { NoteSequence } from '../../../../shared/music/note_sequence.ts';
import type { TokenGrammar } from '../grammar.ts';
import type { Vocabulary } from '../vocabulary.ts';
import { ABC_END, ABC_START, abcHeaderAtEnd, abcTimeContext, unseededAbcPrompt } from './abc_prompt.ts';
import { ABC_KEY_SIGNATURES } from './abc_key.ts';
import { AbcGrammar } from './abc_grammar.ts';
import { abcSeedFromNotes } from './abc_seed.ts';
import { BAR_TOKENS } from './abc_lexer.ts';
import { standaloneRepeats } from './abc_standalone.ts';
import type { MusicItem } from '../../music/music_item.ts';
import type { AbcTune } from '../../../../shared/music/abc_tune.ts';
import type { MidiNote } from '../../../../shared/music/units.ts';
import { emptySequence } from '../../../../shared/music/sequences.ts';
import { lexAbcBody } from './abc_lexer.ts';
import { abcTokenPitch } from './abc_fields.ts';
export { abcTokenPitch } from './abc_fields.ts';
import { abcTokenKind, normaliseBodyTokens, writeAbcBody } from './abc_body.ts';
import {
  defaultUnit,
  keyFifths,
  keyToken,
  LETTERS,
  naturalPitch,
  normaliseMeter,
  normaliseUnit,
  noteToken,
  parseKeyToken,
  parseKeyValue,
  parseNoteToken,
  type AbcKey,
} from './abc_fields.ts';

export { ABC_END, ABC_START } from './abc_prompt.ts';

/** Tokens of a tune and how many body characters the lexer skipped. */
export interface AbcEncoding {
  tokens: Token[];
  skipped: number;
}

/** Encodes a tune: header tokens (M, L, K), body tokens, framed by `<s>` and `</s>`. */
export function encodeAbcTune(tune: AbcTune): AbcEncoding {
  let meter = 'none';
  let unit: string | undefined;
  let key = 'K:Cmaj';
  for (const header of tune.headers) {
    const field = header.field.toUpperCase();
    if (field === 'M') meter = normaliseMeter(header.value);
    else if (field === 'L') unit = normaliseUnit(header.value);
    else if (field === 'K') key = keyToken(parseKeyValue(header.value.replace(/%.*/, '')));
  }
  unit ??= defaultUnit(meter);
  const lexed = lexAbcBody(tune.body);
  const body = normaliseBodyTokens(lexed.tokens);
  // Field changes before the first music token belong to the header.
  let first = 0;
  for (; first < body.length && abcTokenKind(body[first]) === 'field'; first++) {
    const token = body[first];
    if (token.startsWith('M:')) meter = token.slice(2);
    else if (token.startsWith('L:')) unit = token.slice(2);
    else key = token;
  }
  return {
    tokens: [ABC_START, `M:${meter}`, `L:${unit}`, key, ...body.slice(first), ABC_END],
    skipped: lexed.skipped,
  };
}

/** Header values and body tokens of a (possibly generated) token stream. */
interface SplitTokens {
  meter: string;
  unit: string;
  key: string;
  body: string[];
}

function splitTokens(tokens: readonly Token[]): SplitTokens {
  const split: SplitTokens = { meter: '4/4', unit: '1/8', key: 'Cmaj', body: [] };
  let i = 0;
  if (tokens[i] === ABC_START) i++;
  for (; i < tokens.length && abcTokenKind(tokens[i]) === 'field'; i++) {
    const token = tokens[i];
    if (token.startsWith('M:')) split.meter = normaliseMeter(token.slice(2));
    else if (token.startsWith('L:')) split.unit = normaliseUnit(token.slice(2));
    else split.key = keyToken(parseKeyValue(token.slice(2))).slice(2);
  }
  for (; i < tokens.length && tokens[i] !== ABC_END; i++) split.body.push(tokens[i]);
  split.body = normaliseBodyTokens(split.body);
  return split;
}

/** Valid ABC text (one tune, X:1) for a token stream; never throws. */
export function abcTokensToText(tokens: readonly Token[], title = 'Continuo'): string {
  const { meter, unit, key, body } = splitTokens(tokens);
  const safeTitle = title.replace(/[\r\n]+/g, ' ').trim() || 'Continuo';
  return `X:1\nT:${safeTitle}\nM:${meter}\nL:${unit}\nK:${key}\n${writeAbcBody(body)}\n`;
}

/** Semitones from a letter step to the step `shift` letters higher (any sign). */
function letterSemitones(step: number, shift: number): number {
  const target = step + shift;
  return naturalPitch(((target % 7) + 7) % 7, Math.floor(target / 7)) - naturalPitch(step, 0);
}

/** The most readable spelling of `key` moved by `semitones` (fewest sharps or flats). */
function bestTransposedKey(key: AbcKey, semitones: number): { key: AbcKey; shift: number } {
  let best: { key: AbcKey; shift: number } | undefined;
  const oldStep = LETTERS.indexOf(key.letter as (typeof LETTERS)[number]);
  for (let shift = -8; shift <= 8; shift++) {
    const accidental = key.accidental + semitones - letterSemitones(oldStep, shift);
    if (Math.abs(accidental) > 1) continue;
    const candidate: AbcKey = {
      letter: LETTERS[(((oldStep + shift) % 7) + 7) % 7],
      accidental,
      mode: key.mode,
    };
    const size = Math.abs(keyFifths(candidate));
    const bestSize = best ? Math.abs(keyFifths(best.key)) : Infinity;
    // Ties (F# / Gb major) go to sharps when moving up, flats when moving down.
    if (
      size < bestSize ||
      (size === bestSize && best && Math.sign(keyFifths(candidate)) === Math.sign(semitones))
    ) {
      best = { key: candidate, shift };
    }
  }
  return best ?? { key, shift: 0 };
}

/**
 * Transposes ABC tokens by `semitones`: K: tokens move to the transposed key, notes move by
 * letter steps (the same number for the whole tune) and explicit accidentals are re-spelled,
 * so every sounding pitch moves by exactly `semitones`. Null when a key would need double
 * sharps or flats in its tonic or signature, an accidental beyond a double one, or a pitch
 * outside MIDI 0..127.
 */
export function transposeAbcTokens(tokens: readonly Token[], semitones: number): Token[] | null {
  if (semitones === 0) return [...tokens];
  const firstKey = tokens.map((t) => parseKeyToken(t)).find((k) => k !== undefined) ?? parseKeyValue('C');
  const { shift } = bestTransposedKey(firstKey, semitones);
  const out: Token[] = [];
  for (const token of tokens) {
    const key = parseKeyToken(token);
    if (key) {
      const step = LETTERS.indexOf(key.letter as (typeof LETTERS)[number]);
      const moved: AbcKey = {
        letter: LETTERS[(((step + shift) % 7) + 7) % 7],
        accidental: key.accidental + semitones - letterSemitones(step, shift),
        mode: key.mode,
      };
      if (Math.abs(moved.accidental) > 1 || Math.abs(keyFifths(moved)) > 7) return null;
      out.push(keyToken(moved));
      continue;
    }
    const note = parseNoteToken(token);
    if (!note) {
      out.push(token);
      continue;
    }
    const total = note.octave * 7 + note.step + shift;
    const step = ((total % 7) + 7) % 7;
    const octave = Math.floor(total / 7);
    let accidental: number | null = null;
    if (note.accidental !== null) {
      accidental = note.accidental + semitones - letterSemitones(note.step, shift);
      if (Math.abs(accidental) > 2) return null;
    }
    const pitch = naturalPitch(step, octave) + (accidental ?? 0);
    if (pitch < 0 || pitch > 127) return null;
    out.push(noteToken({ accidental, step, octave }));
  }
  return out;
}

/** Reads ABC text into notes; set by the ABC importer wiring (see decode). */
export type AbcTextReader = (text: string) => DecodedMusic['sequence'] | undefined;

const BARS = new Set(BAR_TOKENS);

/** Lengths count bar lines; seconds become bars through the prompt's meter (Q:1/4=120). */
const ABC_LENGTHS: CodecLengths = {
  unit: 'bars',
  advance: (token) => (BARS.has(token) ? 1 : 0),
  timeContext: (prompt) => abcTimeContext(prompt),
};

/** The ABC codec (no options). */
export class AbcCodec implements Codec {
  readonly name = 'abc' as const;
  readonly description = 'ABC: tune-book text (notes, bars, repeats), shown as sheet music';
  readonly version = 1;
  readonly cacheKey = 'abc@1';
  readonly fixedVocabulary = null;
  readonly specialTokens: readonly Token[] = [ABC_START, ABC_END];
  readonly startToken = ABC_START;
  readonly endToken = ABC_END;
  readonly seedKind = 'abc' as const;
  readonly lengths = ABC_LENGTHS;
  readonly keySignatures = ABC_KEY_SIGNATURES;
  private readonly grammars = new WeakMap<Vocabulary, TokenGrammar>();

  constructor(private readonly readText: AbcTextReader = () => undefined) {}

  encode(item: MusicItem): Token[] {
    if (!item.abc)
      throw new CodecError('The ABC codec needs ABC text: this item has none (is it a MIDI file?)');
    return encodeAbcTune(item.abc).tokens;
  }

  decode(tokens: readonly Token[]): DecodedMusic {
    const abc = abcTokensToText(tokens);
    let sequence: DecodedMusic['sequence'] | undefined;
    try {
      sequence = this.readText(abc);
    } catch {
      sequence = undefined;
    }
    return { abc, sequence: sequence ?? emptySequence({ kind: 'generated', title: 'Continuo' }) };
  }

  transpose(tokens: readonly Token[], semitones: number): Token[] | null {
    return transposeAbcTokens(tokens, semitones);
  }

  pitchesOf(token: Token): readonly MidiNote[] {
    const pitch = abcTokenPitch(token);
    return pitch === undefined ? [] : [pitch];
  }

  unseededPrompt(vocabulary: Vocabulary, choices: PromptChoices): UnseededPrompt {
    return unseededAbcPrompt(vocabulary, choices);
  }

  /** Under the header in force at the end of its prefix, repeats it cannot resolve alone made plain. */
  continuationAlone(prefix: readonly Token[], continuation: readonly Token[]): Token[] {
    return [...abcHeaderAtEnd(prefix), ...standaloneRepeats(continuation)];
  }

  seedFromNotes(sequence: NoteSequence, vocabulary: Vocabulary): Token[] {
    return abcSeedFromNotes(this, sequence, vocabulary);
  }

  /** One grammar per vocabulary (its tables are built once). */
  grammar(vocabulary: Vocabulary): TokenGrammar {
    let grammar = this.grammars.get(vocabulary);
    if (!grammar) {
      grammar = new AbcGrammar(vocabulary.tokens);
      this.grammars.set(vocabulary, grammar);
    }
    return grammar;
  }
}
