/**
 * Hornpipe swing (`hornpipeSwing: true`) on small tunes. The expected onsets are what abc2midi
 * 4.84 plays for these tunes (measured); the last test re-checks them against abc2midi itself.
 */
import { describe, expect, it } from 'vitest';
import { parseAbcText } from '../../src/main/engine/music/abc/index.ts';
import { hornpipeMeter, isHornpipeTune, readNoteText } from '../../src/main/engine/music/abc/swing.ts';
import type { Note } from '../../src/shared/music/note_sequence.ts';
import { abc2midiMelodiesOfText, compareMelodies, hasAbc2midi, sortNotes } from '../helpers/abc2midi.ts';

interface Case {
  name: string;
  meter?: string;
  unit?: string;
  rhythm?: string;
  body: string;
  /** Distinct onsets in quarter notes, rounded to 3 decimals. */
  onsets: number[];
}

const third = 0.667;
const CASES: Case[] = [
  {
    name: 'eighth pairs on the beat swing 2:1',
    body: 'CDEF GABc|C2DE F2GA|',
    onsets: [0, third, 1, 1 + third, 2, 2 + third, 3, 3 + third, 4, 5, 5 + third, 6, 7, 7 + third],
  },
  {
    name: 'an eighth after a dotted note stays; written > and < become 2:1 long-short',
    body: 'C3D E3F|C>DE<F G>AB<c|',
    onsets: [0, 1.5, 2, 3.5, 4, 4 + third, 5, 5 + third, 6, 6 + third, 7, 7 + third],
  },
  {
    name: 'triplets are not swung, the pairs after them are',
    body: '(3CDE FG (3ABc dc|',
    onsets: [0, 0.333, third, 1, 1 + third, 2, 2.333, 2 + third, 3, 3 + third],
  },
  {
    name: 'a chord on either side of a pair stops the swing',
    body: '[CE]D E[DF] G[CE]AB|',
    onsets: [0, 0.5, 1, 1.5, 2, 2.5, 3, 3 + third],
  },
  {
    name: 'a rest between two eighths stops the swing',
    body: 'Cz zD EF GA|',
    onsets: [0, 1.5, 2, 2 + third, 3, 3 + third],
  },
  {
    name: 'quarters and eighths written C2 under L:1/16 are not swung',
    unit: '1/16',
    body: 'C2D2E2F2 GABc d4|',
    onsets: [0, 0.5, 1, 1.5, 2, 2.25, 2.5, 2.75, 3],
  },
  {
    name: 'in 2/4 the sixteenths swing, not the eighths',
    meter: '2/4',
    unit: '1/16',
    body: 'CDEF GABc|C2D2 E2F2|',
    onsets: [0, 0.333, 0.5, 0.833, 1, 1.333, 1.5, 1.833, 2, 2.5, 3, 3.5],
  },
  {
    name: 'in 2/4 with L:1/8, C/ sixteenths swing',
    meter: '2/4',
    body: 'CDEF G/A/B/c/|',
    onsets: [0, 0.5, 1, 1.5, 2, 2.333, 2.5, 2.833],
  },
  { name: 'M:C swings', meter: 'C', body: 'CDEF|', onsets: [0, third, 1, 1 + third] },
  { name: 'M:C| does not (abc2midi: 2/4 or 4/4 only)', meter: 'C|', body: 'CDEF|', onsets: [0, 0.5, 1, 1.5] },
  { name: 'M:3/4 does not', meter: '3/4', body: 'CDEF GA|', onsets: [0, 0.5, 1, 1.5, 2, 2.5] },
  {
    name: 'a written > that is not a swung pair is 2:1; a pair whose first note was shortened stays',
    body: 'C3 D>E FG A|',
    onsets: [0, 1.5, 2.167, 2.5, 3, 3 + third],
  },
  {
    name: 'a > after the short note of a swung pair is dropped',
    body: 'CD>EF GA>Bc|',
    onsets: [0, third, 1, 1 + third, 2, 2 + third, 3, 3 + third],
  },
  {
    name: 'tied notes and grace notes',
    body: 'CD-DE F{g}GAB|C-CDE FG-G2|',
    onsets: [0, third, 1 + third, 2, 2 + third, 3, 3 + third, 4, 5, 5 + third, 6, 6 + third],
  },
  {
    name: 'R:HORNPIPE is not a hornpipe to abc2midi',
    rhythm: 'HORNPIPE',
    body: 'CDEF|',
    onsets: [0, 0.5, 1, 1.5],
  },
  {
    name: 'R: Hornpipe, set dance is',
    rhythm: ' Hornpipe, set dance',
    body: 'CDEF|',
    onsets: [0, third, 1, 1 + third],
  },
  { name: 'R:set hornpipe is not', rhythm: 'set hornpipe', body: 'CDEF|', onsets: [0, 0.5, 1, 1.5] },
];

function tuneText(c: Case, x: number): string {
  return `X:${x}\nT:${c.name}\nM:${c.meter ?? '4/4'}\nL:${c.unit ?? '1/8'}\nR:${c.rhythm ?? 'Hornpipe'}\nK:C\n${c.body}\n`;
}

/** Quarter notes at the default 120 qpm. */
const quarters = (seconds: number): number => seconds * 2;

function onsets(notes: Note[]): number[] {
  return [...new Set(notes.map((n) => Math.round(quarters(n.startTime) * 1000) / 1000))].sort(
    (a, b) => a - b,
  );
}

function importOne(text: string, hornpipeSwing: boolean): Note[] {
  const result = parseAbcText(text, 'swing.abc', { hornpipeSwing });
  expect(result.items).toHaveLength(1);
  return result.items[0].sequence.notes;
}

describe('hornpipe swing', () => {
  it.each(CASES.map((c, i) => [c.name, c, i + 1] as const))('%s', (_name, c, x) => {
    const want = c.onsets.map((t) => Math.round(t * 1000) / 1000);
    expect(onsets(importOne(tuneText(c, x), true))).toEqual(want);
  });

  it('is off by default: the written rhythm', () => {
    const notes = importOne(tuneText(CASES[0], 1), false);
    expect(onsets(notes)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 5.5, 6, 7, 7.5]);
  });

  it('plays a swung pair 2/3 + 1/3 of a quarter and keeps the bar length', () => {
    const notes = importOne('X:1\nM:4/4\nL:1/8\nR:Hornpipe\nK:C\nCD-DE F2 G2|A8|\n', true);
    const d = notes.map((n) => +quarters(n.endTime - n.startTime).toFixed(3));
    expect(d).toEqual([0.667, 1, 0.333, 1, 1, 4]);
    expect(quarters(notes[5].startTime)).toBeCloseTo(4, 9);
  });

  it('leaves a tune without R:hornpipe alone', () => {
    const text = 'X:1\nM:4/4\nL:1/8\nR:Reel\nK:C\nCDEF C>D E2|\n';
    expect(onsets(importOne(text, true))).toEqual(onsets(importOne(text, false)));
  });

  it('reads how a note is written', () => {
    expect(readNoteText('"G"~C2/> ')).toEqual({ numerator: 2, broken: '>', chord: false });
    expect(readNoteText('E <')).toEqual({ numerator: 1, broken: '<', chord: false });
    expect(readNoteText("^c'/ ")).toEqual({ numerator: 1, broken: '', chord: false });
    expect(readNoteText('(3A')).toEqual({ numerator: 1, broken: '', chord: false });
    expect(readNoteText('G-')).toEqual({ numerator: 1, broken: '', chord: false });
    expect(readNoteText('E) ')).toEqual({ numerator: 1, broken: '', chord: false });
    expect(readNoteText('[CE]3>>')).toEqual({ numerator: 3, broken: '>>', chord: true });
    expect(isHornpipeTune('X:1\nR: hornpipe\nK:C\nCD|\n')).toBe(true);
    expect(isHornpipeTune('X:1\nK:C\nR:Hornpipe\nCD|\n')).toBe(false);
    expect(hornpipeMeter({ numerator: 2, denominator: 2 })).toBe(false);
    expect(hornpipeMeter(null)).toBe(true);
  });

  it.skipIf(!hasAbc2midi())('matches abc2midi on every case above', () => {
    const text = CASES.map((c, i) => tuneText(c, i + 1)).join('\n');
    const theirs = abc2midiMelodiesOfText(text);
    const ours = parseAbcText(text, 'cases.abc', { hornpipeSwing: true }).items;
    expect(ours).toHaveLength(CASES.length);
    for (const item of ours) {
      const got = sortNotes(
        item.sequence.notes.map((n) => ({ pitch: n.pitch, beat: quarters(n.startTime) })),
      );
      expect(compareMelodies(theirs.get(item.abc?.number ?? -1) ?? [], got), item.abc?.title).toBeNull();
    }
  });
});
