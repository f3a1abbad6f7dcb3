/**
 * Running the reference converter abc2midi (Debian package `abcmidi`) in tests, and comparing
 * its melody with ours. abc2midi runs once per file into a temp dir; it names its outputs
 * `<stem><X>.mid` beside the input file (so it runs on a copy). Flags: -NGRA (no grace notes), -NFER (fermatas not lengthened), -NGUI (no
 * accompaniment from chord symbols): the importer's documented rules.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseMidi } from 'midi-file';
import { abc2midiTolerance, compareOnsets, type BeatNote, type OnsetMismatch } from './abc2midi_compare.ts';

export {
  abc2midiTolerance,
  compareOnsets,
  EXACT,
  midiTolerance,
  type BeatNote,
  type OnsetMismatch,
  type OnsetTolerance,
} from './abc2midi_compare.ts';

/** True when the `abc2midi` program can run here. */
export function hasAbc2midi(): boolean {
  const r = spawnSync('abc2midi', ['-ver'], { encoding: 'utf8' });
  return r.error === undefined && r.status !== null;
}

/** A MIDI file's melody: its notes and its resolution (ticks per quarter note). */
export interface MidiMelody {
  notes: BeatNote[];
  ticksPerBeat: number;
}

/** The first track with notes, as (pitch, exact onset in quarter notes), with the file's resolution. */
export function readMidiMelody(bytes: Uint8Array): MidiMelody {
  const midi = parseMidi(bytes);
  const ticksPerBeat = midi.header.ticksPerBeat ?? 480;
  for (const track of midi.tracks) {
    const notes: BeatNote[] = [];
    let tick = 0;
    for (const event of track) {
      tick += event.deltaTime;
      if (event.type === 'noteOn' && event.velocity > 0)
        notes.push({ pitch: event.noteNumber, beat: tick / ticksPerBeat });
    }
    if (notes.length > 0) return { notes, ticksPerBeat };
  }
  return { notes: [], ticksPerBeat };
}

/** Notes of the first track with notes, as (pitch, onset in quarter notes), sorted. */
export function midiMelody(bytes: Uint8Array): BeatNote[] {
  return sortNotes(readMidiMelody(bytes).notes);
}

/** Onsets closer than this (quarter notes) count as equal: abc2midi starts chord notes 10 ticks apart. */
const ONSET_TOLERANCE = 0.05;

/**
 * Sorted by onset, then pitch within a chord. Notes starting within ONSET_TOLERANCE of a
 * chord's first note belong to it and take its onset. Coarse: with notes shorter than a
 * 1/32 (tuplets of 1/64) it merges distinct onsets; `compareOnsets` is exact.
 */
export function sortNotes(notes: BeatNote[]): BeatNote[] {
  const byTime = [...notes].sort((a, b) => a.beat - b.beat);
  const out: BeatNote[] = [];
  let i = 0;
  while (i < byTime.length) {
    const start = byTime[i].beat;
    const chord: BeatNote[] = [];
    while (i < byTime.length && byTime[i].beat - start <= ONSET_TOLERANCE)
      chord.push({ ...byTime[i++], beat: start });
    out.push(...chord.sort((a, b) => a.pitch - b.pitch));
  }
  return out;
}

/** Options for running abc2midi. */
export interface Abc2midiOptions {
  /**
   * Drop `R:hornpipe` lines from abc2midi's copy: abc2midi swings hornpipe quavers 2:1, a
   * performance style; the importer plays the written rhythm unless asked (`hornpipeSwing`).
   */
  straightHornpipes?: boolean;
}

/** abc2midi's melody of every tune in an ABC file, by X: number. */
export function abc2midiMelodies(abcFile: string, options: Abc2midiOptions = {}): Map<number, BeatNote[]> {
  return new Map([...abc2midiTunes(abcFile, options)].map(([x, melody]) => [x, sortNotes(melody.notes)]));
}

/** abc2midi's MIDI melody (notes and resolution) of every tune in an ABC file, by X: number. */
export function abc2midiTunes(abcFile: string, options: Abc2midiOptions = {}): Map<number, MidiMelody> {
  const dir = mkdtempSync(path.join(tmpdir(), 'abc2midi-'));
  try {
    // abc2midi writes beside its input: give it a copy in the temp dir.
    const copy = path.join(dir, path.basename(abcFile));
    if (options.straightHornpipes) {
      writeFileSync(copy, readFileSync(abcFile, 'latin1').replace(/^R:\s*hornpipe\s*$/gim, 'R:'), 'latin1');
    } else copyFileSync(abcFile, copy);
    spawnSync('abc2midi', [copy, '-NGRA', '-NFER', '-NGUI', '-silent'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const stem = path.basename(abcFile).replace(/\.[^.]*$/, '');
    const melodies = new Map<number, MidiMelody>();
    for (const name of readdirSync(dir)) {
      const match = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\d+)\\.mid$`).exec(name);
      if (!match) continue;
      melodies.set(Number(match[1]), readMidiMelody(readFileSync(path.join(dir, name))));
    }
    return melodies;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** abc2midi's melody of every tune in some ABC text, by X: number (the text goes to a temp file). */
export function abc2midiMelodiesOfText(text: string, options: Abc2midiOptions = {}): Map<number, BeatNote[]> {
  return new Map([...abc2midiTunesOfText(text, options)].map(([x, melody]) => [x, sortNotes(melody.notes)]));
}

/** abc2midi's MIDI melody (notes and resolution) of every tune in some ABC text, by X: number. */
export function abc2midiTunesOfText(text: string, options: Abc2midiOptions = {}): Map<number, MidiMelody> {
  const dir = mkdtempSync(path.join(tmpdir(), 'abc2midi-text-'));
  try {
    const file = path.join(dir, 'tunes.abc');
    writeFileSync(file, text, 'utf8');
    return abc2midiTunes(file, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Compares abc2midi's MIDI of a tune with our exact reading of it (roll or sheet music),
 * onset by onset, allowing abc2midi's chord stagger at the file's resolution.
 */
export function compareWithAbc2midi(abc2midi: MidiMelody, ours: readonly BeatNote[]): OnsetMismatch | null {
  return compareOnsets(ours, abc2midi.notes, abc2midiTolerance(abc2midi.ticksPerBeat));
}

/** Where two melodies first differ, or null when pitches and onsets all agree. */
export interface MelodyDiff {
  index: number;
  expected?: BeatNote;
  got?: BeatNote;
  expectedCount: number;
  gotCount: number;
}

/**
 * Compares abc2midi's melody (expected) with ours (got) as sorted lists (see `sortNotes`): for
 * tunes without notes shorter than a 1/32; `compareWithAbc2midi` is exact and order-free.
 */
export function compareMelodies(expected: BeatNote[], got: BeatNote[]): MelodyDiff | null {
  const n = Math.max(expected.length, got.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const g = got[i];
    if (!e || !g || e.pitch !== g.pitch || Math.abs(e.beat - g.beat) > ONSET_TOLERANCE) {
      return { index: i, expected: e, got: g, expectedCount: expected.length, gotCount: got.length };
    }
  }
  return null;
}
