/**
 * Acceptance of the ABC grammar end to end: 200 tunes per meter written with random logits,
 * and 200 per meter by an untrained (random-weight) model, convert with abc2midi without an
 * error or a bar-length warning, and every tune has the same notes (pitch and onset) in its
 * sheet music (abcjs parseOnly, read here), in the decoded NoteSequence (the roll and
 * playback), in the MIDI export and in abc2midi's MIDI.
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
  abc2midiMelodiesOfText,
  compareMelodies,
  hasAbc2midi,
  midiMelody,
  sortNotes,
  type BeatNote,
} from '../helpers/abc2midi.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { Vocabulary } from '../../src/main/engine/codecs/vocabulary.ts';
import { HAS_SHARED_DATA, REPO_ROOT } from '../helpers/data.ts';
import { header, jigsVocabulary, METERS, randomTune } from '../unit/grammar_abc_fixtures.ts';
import { randomModel } from '../unit/generate_fixtures.ts';

const TUNES_PER_METER = 200;
const codec = createCodec('abc');

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
  return sortNotes(out);
}

/** The decoded notes of a tune as beat notes (the roll and playback). */
function decodedNotes(tokens: Token[]): { notes: BeatNote[]; midi: BeatNote[] } {
  const { sequence } = codec.decode(tokens);
  const qpm = sequence.tempos[0]?.qpm ?? 120;
  const notes = sortNotes(sequence.notes.map((n) => ({ pitch: n.pitch, beat: (n.startTime * qpm) / 60 })));
  return { notes, midi: midiMelody(noteSequenceToMidi(sequence)) };
}

/** Checks a book of tunes: abc2midi is clean, and all four readings of each tune agree. */
function checkBook(tunes: Token[][], label: string): void {
  const texts = tunes.map((tokens, i) =>
    abcTokensToText(tokens, `${label} ${i + 1}`).replace(/^X:1$/m, `X:${i + 1}`),
  );
  const book = texts.join('\n');
  const problems = abc2midiProblems(book);
  expect(
    problems.filter((p) => /error|bar|time units/i.test(p)),
    label,
  ).toEqual([]);
  const reference = abc2midiMelodiesOfText(book);
  tunes.forEach((tokens, i) => {
    const { notes, midi } = decodedNotes(tokens);
    expect(notes.length, texts[i]).toBeGreaterThan(0);
    expect(compareMelodies(notes, sheetNotes(texts[i])), `sheet music vs roll:\n${texts[i]}`).toBeNull();
    expect(compareMelodies(notes, midi), `MIDI export vs roll:\n${texts[i]}`).toBeNull();
    expect(compareMelodies(reference.get(i + 1) ?? [], notes), `abc2midi vs roll:\n${texts[i]}`).toBeNull();
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

  // The shipped folk model's vocabulary: broken rhythms `>` `<` `>>` `<<`, tuplets and many lengths,
  // which the jigs hardly use (abc2midi refuses unequal broken rhythms, warns on mixed tuplets).
  it.each(METERS)(
    'random logits over the folk vocabulary: %s tunes have no abc2midi warning at all',
    (meter) => {
      const meta = JSON.parse(
        readFileSync(path.join(REPO_ROOT, 'resources', 'models', 'folk', 'meta.json'), 'utf8'),
      ) as { vocabulary: string[] };
      const folk = Vocabulary.forCodec(codec, [meta.vocabulary]);
      const rng = new Rng(`abc2midi-folk:${meter}`);
      const tunes = Array.from({ length: TUNES_PER_METER }, () => [
        ...header(meter),
        ...randomTune(folk, meter, 8, rng),
      ]);
      // Warnings only: with lengths down to 1/64 next to chords, abc2midi's 10-tick chord stagger
      // reorders onsets, which the four-way comparison above cannot tell from a real difference.
      const book = tunes
        .map((tokens, i) => abcTokensToText(tokens, `folk ${meter} ${i + 1}`).replace(/^X:1$/m, `X:${i + 1}`))
        .join('\n');
      expect(abc2midiProblems(book), `folk ${meter}`).toEqual([]);
    },
  );

  it.each(METERS)('an untrained model: %s tunes are clean and agree everywhere', async (meter) => {
    const model = randomModel('abc', [32, 32], [...pieces, [...vocabulary.tokens]], 3);
    const generator = new TokenGenerator(model);
    const tunes: Token[][] = [];
    for (let batch = 0; tunes.length < TUNES_PER_METER; batch++) {
      const result = await generator.generate({
        length: '8bars',
        variations: 50,
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
    checkBook(tunes, `untrained ${meter}`);
  });
});
