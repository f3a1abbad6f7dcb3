/**
 * Acceptance of the ABC grammar end to end (issue #9): 200 tunes per meter written with random
 * logits and 200 per meter by an untrained (random-weight) model over the jigs vocabulary, 200
 * with random logits and 50 untrained over the shipped folk model's vocabulary, convert with
 * abc2midi without an error or a bar-length warning, and every tune has the same notes (pitch
 * and onset, compared onset by onset: test/helpers/abc2midi_compare.ts) in its sheet music
 * (abcjs parseOnly, read here), in the decoded NoteSequence (the roll and playback), in the
 * MIDI export and in abc2midi's MIDI.
 */
import abcjs from 'abcjs';
import { describe, expect, it } from 'vitest';
import type { Token } from '../../src/main/engine/codecs/codec.ts';
import { abcTokensToText } from '../../src/main/engine/codecs/abc/abc.ts';
import { createCodec } from '../../src/main/engine/codecs/registry.ts';
import { TokenGenerator } from '../../src/main/engine/generate/generator.ts';
import { noteSequenceToMidi } from '../../src/main/engine/music/midi_io.ts';
import { playOrder } from '../../src/main/engine/music/abc/repeats.ts';
import type { AbcElement, AbcParsedTune } from '../../src/main/engine/music/abc/tree.ts';
import { Rng } from '../../src/main/engine/random/rng.ts';
import {
  abc2midiTunesOfText,
  compareOnsets,
  compareWithAbc2midi,
  EXACT,
  hasAbc2midi,
  midiTolerance,
  readMidiMelody,
  type BeatNote,
  type MidiMelody,
} from '../helpers/abc2midi.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Vocabulary } from '../../src/main/engine/codecs/vocabulary.ts';
import { HAS_SHARED_DATA, REPO_ROOT } from '../helpers/data.ts';
import { header, jigsVocabulary, METERS, randomTune } from '../unit/grammar_abc_fixtures.ts';
import { randomModel } from '../unit/generate_fixtures.ts';

const TUNES_PER_METER = 200;
/** Fewer for the untrained model over the folk vocabulary: the random-logit folk case has the 200. */
const UNTRAINED_FOLK_PER_METER = 50;
const codec = createCodec('abc');

/** The shipped folk model's vocabulary. */
function folkVocabulary(): Vocabulary {
  const meta = JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'resources', 'models', 'folk', 'meta.json'), 'utf8'),
  ) as { vocabulary: string[] };
  return Vocabulary.forCodec(codec, [meta.vocabulary]);
}

/** abc2midi's warnings and errors for a book of tunes. */
function abc2midiProblems(text: string): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'grammar-abc2midi-'));
  try {
    const file = path.join(dir, 'book.abc');
    writeFileSync(file, text);
    const run = spawnSync('abc2midi', [file, '-NGRA', '-NFER', '-NGUI'], { cwd: dir, encoding: 'utf8' });
    return `${run.stdout}\n${run.stderr}`.split('\n').filter((line) => /warning|error/i.test(line));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const LETTER_SEMITONES = [0, 2, 4, 5, 7, 9, 11];
const ACCIDENTAL: Record<string, number> = { sharp: 1, flat: -1, natural: 0, dblsharp: 2, dblflat: -2 };

/** The notes of the sheet music abcjs reads (parseOnly), in playing order, as beat notes. */
function sheetNotes(text: string): BeatNote[] {
  const tune = (abcjs.parseOnly(text) as unknown as AbcParsedTune[])[0];
  const staff = tune.lines.find((l) => l.staff)?.staff?.[0];
  const elements: AbcElement[] = tune.lines.flatMap((l) => l.staff?.[0]?.voices?.[0] ?? []);
  const key = [0, 0, 0, 0, 0, 0, 0];
  for (const a of staff?.key?.accidentals ?? [])
    key['cdefgab'.indexOf(a.note.toLowerCase())] = ACCIDENTAL[a.acc];
  const out: BeatNote[] = [];
  let time = 0;
  let bar = new Map<number, number>();
  let tied = new Map<number, number>();
  let factor = 1;
  let left = 0;
  for (const index of playOrder(elements, undefined)) {
    const e = elements[index];
    if (e.el_type === 'bar') bar = new Map();
    if (e.el_type !== 'note') continue;
    if (e.startTriplet) {
      factor = e.tripletMultiplier ?? 1;
      left = e.tripletR ?? e.startTriplet;
    }
    let duration = e.duration ?? 0;
    if (left > 0) {
      duration *= factor;
      left--;
    }
    const nextTied = new Map<number, number>();
    for (const p of e.rest ? [] : (e.pitches ?? [])) {
      if (p.accidental) bar.set(p.pitch, ACCIDENTAL[p.accidental]);
      const octave = Math.floor(p.pitch / 7);
      const letter = p.pitch - octave * 7;
      const pitch = 60 + 12 * octave + LETTER_SEMITONES[letter] + (bar.get(p.pitch) ?? key[letter]);
      if (tied.get(p.pitch) !== pitch) out.push({ pitch, beat: time * 4 });
      if (p.startTie) nextTied.set(p.pitch, pitch);
    }
    tied = nextTied;
    time += duration;
  }
  return out;
}

/** The decoded notes of a tune as beat notes (the roll and playback). */
function decodedNotes(tokens: Token[]): { notes: BeatNote[]; midi: MidiMelody } {
  const { sequence } = codec.decode(tokens);
  const qpm = sequence.tempos[0]?.qpm ?? 120;
  const beats = (seconds: number): number => (seconds * qpm) / 60;
  const notes = sequence.notes.map((n) => ({ pitch: n.pitch, beat: beats(n.startTime) }));
  return { notes, midi: readMidiMelody(noteSequenceToMidi(sequence)) };
}

/*
 * abc2midi 4.84 misplays a chord shorter than its own stagger (10 ticks per note at 480 per
 * quarter; test/unit/abc2midi_compare.test.ts pins it). The grammar refuses chords shorter
 * than a 1/64 note, so every tune is compared with abc2midi whole.
 */

/** Checks a book of tunes: abc2midi is clean, and all four readings of each tune agree. */
function checkBook(tunes: Token[][], label: string): void {
  const texts = tunes.map((tokens, i) =>
    abcTokensToText(tokens, `${label} ${i + 1}`).replace(/^X:1$/m, `X:${i + 1}`),
  );
  const book = texts.join('\n');
  // No warning at all (bar lengths, unequal chord notes, tuplets of mixed lengths, ...).
  expect(abc2midiProblems(book), label).toEqual([]);
  const reference = abc2midiTunesOfText(book);
  tunes.forEach((tokens, i) => {
    const { notes, midi } = decodedNotes(tokens);
    expect(notes.length, texts[i]).toBeGreaterThan(0);
    expect(compareOnsets(notes, sheetNotes(texts[i]), EXACT), `sheet music vs roll:\n${texts[i]}`).toBeNull();
    expect(
      compareOnsets(notes, midi.notes, midiTolerance(midi.ticksPerBeat)),
      `MIDI export vs roll:\n${texts[i]}`,
    ).toBeNull();
    const theirs = reference.get(i + 1) ?? { notes: [], ticksPerBeat: 480 };
    expect(compareWithAbc2midi(theirs, notes), `abc2midi vs roll:\n${texts[i]}`).toBeNull();
  });
}

describe.skipIf(!HAS_SHARED_DATA || !hasAbc2midi())('ABC grammar with abc2midi', () => {
  const { vocabulary, pieces } = jigsVocabulary();

  it.each(METERS)('random logits: %s tunes are clean and agree everywhere', (meter) => {
    const rng = new Rng(`abc2midi-random:${meter}`);
    const tunes = Array.from({ length: TUNES_PER_METER }, () => [
      ...header(meter),
      ...randomTune(vocabulary, meter, 8, rng),
    ]);
    checkBook(tunes, `random ${meter}`);
  });

  // The shipped folk model's vocabulary: broken rhythms `>` `<` `>>` `<<`, tuplets, lengths down
  // to 1/64 and chords, which the jigs hardly use.
  it.each(METERS)(
    'random logits over the folk vocabulary: %s tunes are clean and agree everywhere',
    (meter) => {
      const folk = folkVocabulary();
      const rng = new Rng(`abc2midi-folk:${meter}`);
      const tunes = Array.from({ length: TUNES_PER_METER }, () => [
        ...header(meter),
        ...randomTune(folk, meter, 8, rng),
      ]);
      checkBook(tunes, `folk ${meter}`);
    },
  );

  /** Tunes of a freshly initialised standard-shaped model sampling through the grammar. */
  async function untrainedTunes(
    vocabularyPieces: Token[][],
    meter: string,
    count: number,
  ): Promise<Token[][]> {
    const model = randomModel('abc', [32, 32], vocabularyPieces, 3);
    const generator = new TokenGenerator(model);
    const tunes: Token[][] = [];
    for (let batch = 0; tunes.length < count; batch++) {
      const result = await generator.generate({
        length: '8bars',
        variations: Math.min(50, count),
        meter,
        unit: '1/8',
        abcKey: 'D',
        rngSeed: `untrained:${meter}:${batch}`,
      });
      expect(result.grammar).toBe(true);
      for (const v of result.variations) {
        expect(v.stop).toBe('length');
        tunes.push([...v.prefix, ...v.tokens]);
      }
    }
    return tunes;
  }

  it.each(METERS)('an untrained model: %s tunes are clean and agree everywhere', async (meter) => {
    checkBook(
      await untrainedTunes([...pieces, [...vocabulary.tokens]], meter, TUNES_PER_METER),
      `untrained ${meter}`,
    );
  });

  it.each(METERS)(
    'an untrained model over the folk vocabulary: %s tunes are clean and agree everywhere',
    async (meter) => {
      const tunes = await untrainedTunes([[...folkVocabulary().tokens]], meter, UNTRAINED_FOLK_PER_METER);
      checkBook(tunes, `untrained folk ${meter}`);
    },
  );
});
