/**
 * The engine's multi-track MIDI writer (what project exports go through): each written file is
 * read back with @tonejs/midi, an independent reader, and compared note by note, with every
 * track's name, program, channel and controller changes, the tempo map, time and key signatures.
 */
import { readFileSync } from 'node:fs';
import pkg from '@tonejs/midi';
import fc from 'fast-check';
import { parseMidi } from 'midi-file';
import { describe, expect, it } from 'vitest';
import { projectFromMusic, projectToMultiTrack } from '../../src/main/app/project_music.ts';
import { multiTrackToMidi } from '../../src/main/engine/music/midi_io.ts';
import { MultiTrackMidiSchema } from '../../src/shared/ipc/schemas/multi_track.ts';
import type { MultiTrackMidi, MultiTrackNote, MultiTrackPart } from '../../src/shared/music/multi_track.ts';
import { sharpsOfKey } from '../../src/shared/music/key_signatures.ts';
import type { KeyMode } from '../../src/shared/music/note_sequence.ts';
import { sharedData } from '../helpers/data.ts';
import { nid, note, sampleProject, tid } from './project_fixtures.ts';

const { Midi } = pkg;

/** The file as @tonejs/midi reads it, in the description's terms. */
function readBack(bytes: Uint8Array) {
  const midi = new Midi(bytes);
  return {
    ppq: midi.header.ppq,
    title: midi.header.name,
    tempos: midi.header.tempos.map((t) => ({ tick: t.ticks, qpm: 60e6 / Math.round(60e6 / t.bpm) })),
    timeSignatures: midi.header.timeSignatures.map((t) => ({
      tick: t.ticks,
      numerator: t.timeSignature[0],
      denominator: t.timeSignature[1],
    })),
    // Read raw with midi-file: @tonejs/midi names a minor key by its relative major ("C minor" for A minor).
    keys: keySignatures(bytes),
    tracks: midi.tracks.map((track) => ({
      name: track.name,
      program: track.instrument.number,
      channel: track.channel,
      notes: track.notes.map((n) => ({
        pitch: n.midi,
        velocity: Math.round(n.velocity * 127),
        tick: n.ticks,
        duration: n.durationTicks,
      })),
      controllers: Object.values(track.controlChanges)
        .flat()
        .map((c) => ({ tick: c.ticks, controller: c.number, value: Math.round(c.value * 127) })),
    })),
  };
}

/** The conductor track's key signatures as written: sharps (negative: flats) and minor or not. */
function keySignatures(bytes: Uint8Array): { tick: number; sharps: number; minor: boolean }[] {
  let tick = 0;
  return parseMidi(bytes).tracks[0].flatMap((event) => {
    tick += event.deltaTime;
    return event.type === 'keySignature' ? [{ tick, sharps: event.key, minor: event.scale === 1 }] : [];
  });
}

const byTime = <T extends { tick: number }>(list: readonly T[], ...keys: (keyof T)[]): T[] =>
  [...list].sort((a, b) => a.tick - b.tick || keys.reduce((d, k) => d || Number(a[k]) - Number(b[k]), 0));

/** What a part's notes and controllers must read back as (tick order; same-tick order is free). */
function expectedPart(part: MultiTrackPart) {
  return {
    name: part.name,
    program: part.program,
    notes: byTime(part.notes, 'pitch', 'duration', 'velocity'),
    controllers: byTime(part.controllers, 'controller', 'value'),
  };
}

const twoTracks: MultiTrackMidi = {
  title: 'Two tracks',
  tempos: [
    { tick: 0, qpm: 96 },
    { tick: 1920, qpm: 132.5 },
  ],
  timeSignatures: [
    { tick: 0, numerator: 6, denominator: 8 },
    { tick: 2880, numerator: 2, denominator: 4 },
  ],
  keySignatures: [{ tick: 0, key: 9, mode: 'minor' }],
  tracks: [
    {
      name: 'Melody',
      program: 73,
      notes: [
        { pitch: 69, velocity: 100, tick: 0, duration: 240 },
        { pitch: 72, velocity: 1, tick: 240, duration: 1 },
        { pitch: 76, velocity: 127, tick: 1919, duration: 962 },
      ],
      controllers: [],
    },
    {
      name: 'Piano left hand',
      program: 0,
      notes: [
        { pitch: 45, velocity: 64, tick: 0, duration: 1440 },
        { pitch: 52, velocity: 64, tick: 0, duration: 1440 },
      ],
      controllers: [
        { tick: 0, controller: 64, value: 127 },
        { tick: 1400, controller: 64, value: 0 },
        { tick: 10, controller: 7, value: 90 },
      ],
    },
  ],
};

/** The notes, dropping any that overlaps an earlier-starting one of its pitch. */
function withoutSamePitchOverlaps(notes: MultiTrackNote[]): MultiTrackNote[] {
  const freeFrom = new Map<number, number>();
  return byTime(notes, 'pitch').filter((n) => {
    if (n.tick < (freeFrom.get(n.pitch) ?? 0)) return false;
    freeFrom.set(n.pitch, n.tick + n.duration);
    return true;
  });
}

describe('multiTrackToMidi (the engine writer of project exports)', () => {
  it('writes every note, name, program, controller, tempo, meter and key that @tonejs/midi reads back', () => {
    const back = readBack(multiTrackToMidi(twoTracks));
    expect(back.ppq).toBe(480);
    expect(back.title).toBe('Two tracks');
    expect(back.tempos).toEqual(
      twoTracks.tempos.map((t) => ({ tick: t.tick, qpm: 60e6 / Math.round(60e6 / t.qpm) })),
    );
    expect(back.timeSignatures).toEqual(twoTracks.timeSignatures);
    expect(back.keys).toEqual([{ tick: 0, sharps: 0, minor: true }]);
    expect(
      back.tracks.map(({ channel: _channel, ...rest }) => ({
        ...rest,
        notes: byTime(rest.notes, 'pitch', 'duration', 'velocity'),
        controllers: byTime(rest.controllers, 'controller', 'value'),
      })),
    ).toEqual(twoTracks.tracks.map(expectedPart));
    // Each pitched part on a channel of its own.
    expect(back.tracks.map((t) => t.channel)).toEqual([0, 1]);
  });

  it('keeps wanted channels, puts drums on channel 10 and gives a clashing part a free channel', () => {
    const part = (name: string, extra: Partial<MultiTrackPart>): MultiTrackPart => ({
      name,
      program: 0,
      notes: [{ pitch: 60, velocity: 80, tick: 0, duration: 10 }],
      controllers: [],
      ...extra,
    });
    const file: MultiTrackMidi = {
      ...twoTracks,
      tracks: [
        part('Wants 3', { channel: 3 }),
        part('Drums', { isDrum: true, program: 0 }),
        part('Also wants 3', { channel: 3 }),
        part('Any', {}),
      ],
    };
    expect(readBack(multiTrackToMidi(file)).tracks.map((t) => [t.name, t.channel])).toEqual([
      ['Wants 3', 3],
      ['Drums', 9],
      ['Also wants 3', 0],
      ['Any', 1],
    ]);
  });

  it('reads back random files exactly (property: notes, controllers, tempos, meters, keys)', () => {
    const tick = fc.integer({ min: 0, max: 200_000 });
    const noteArb = fc.record({
      pitch: fc.integer({ min: 0, max: 127 }),
      velocity: fc.integer({ min: 1, max: 127 }),
      tick,
      duration: fc.integer({ min: 1, max: 20_000 }),
    });
    const partArb = fc.record({
      name: fc.string({ maxLength: 30 }),
      program: fc.integer({ min: 0, max: 127 }),
      // Notes of one pitch that overlap have no unambiguous MIDI form (which note-off ends which?).
      notes: fc.array(noteArb, { maxLength: 40 }).map(withoutSamePitchOverlaps),
      controllers: fc.array(
        fc.record({
          tick,
          controller: fc.integer({ min: 0, max: 119 }),
          value: fc.integer({ min: 0, max: 127 }),
        }),
        { maxLength: 10 },
      ),
    });
    const fileArb = fc.record({
      title: fc.string({ maxLength: 40 }),
      tempos: fc
        .uniqueArray(fc.record({ tick, qpm: fc.double({ min: 20, max: 300, noNaN: true }) }), {
          selector: (t) => t.tick,
          maxLength: 5,
        })
        .map((list) => [{ tick: 0, qpm: 120 }, ...list.filter((t) => t.tick > 0)]),
      timeSignatures: fc
        .uniqueArray(
          fc.record({
            tick,
            numerator: fc.integer({ min: 1, max: 15 }),
            denominator: fc.constantFrom(2, 4, 8, 16),
          }),
          { selector: (t) => t.tick, maxLength: 4 },
        )
        .map((list) => byTime(list)),
      keySignatures: fc
        .uniqueArray(
          fc.record({
            tick,
            key: fc.integer({ min: 0, max: 11 }),
            mode: fc.constantFrom<KeyMode>('major', 'minor', 'dorian', 'mixolydian'),
          }),
          { selector: (k) => k.tick, maxLength: 3 },
        )
        .map((list) => byTime(list)),
      tracks: fc.array(partArb, { minLength: 1, maxLength: 6 }),
    });
    fc.assert(
      fc.property(fileArb, (file) => {
        expect(MultiTrackMidiSchema.safeParse(file).success).toBe(true);
        const back = readBack(multiTrackToMidi(file));
        expect(back.title).toBe(file.title);
        expect(back.tempos.map((t) => t.tick)).toEqual(byTime(file.tempos).map((t) => t.tick));
        back.tempos.forEach((t, i) => expect(t.qpm).toBeCloseTo(byTime(file.tempos)[i].qpm, 2));
        expect(back.timeSignatures).toEqual(file.timeSignatures);
        expect(back.keys).toEqual(
          file.keySignatures.map((k) => ({
            tick: k.tick,
            sharps: sharpsOfKey(k.key, k.mode),
            minor: k.mode === 'minor',
          })),
        );
        expect(back.tracks.map((t) => t.name)).toEqual(file.tracks.map((t) => t.name));
        back.tracks.forEach((track, i) => {
          const { name: _name, ...expected } = expectedPart(file.tracks[i]);
          expect({
            program: track.program,
            notes: byTime(track.notes, 'pitch', 'duration', 'velocity'),
            controllers: byTime(track.controllers, 'controller', 'value'),
          }).toEqual(expected);
        });
      }),
      { numRuns: 60 },
    );
  });

  it("writes a project's chosen tracks on the project's own ticks, and the wire schema accepts it", () => {
    const project = sampleProject();
    project.tempos = [
      { tick: 0, qpm: 97.3 },
      { tick: 1000, qpm: 61 },
    ];
    project.key = { tonic: 7, mode: 'major' };
    project.tracks[2].mute = true;
    project.tracks[0].notes.push(note('a4', 62, 1999, 7, 33));
    const whole = projectToMultiTrack(project);
    expect(MultiTrackMidiSchema.parse(whole)).toEqual(whole);
    const back = readBack(multiTrackToMidi(whole));
    // The muted take is left out of a whole-project export; the others keep every tick exactly.
    expect(back.tracks.map((t) => [t.name, t.program])).toEqual([
      ['Piano', 0],
      ['Bass', 32],
    ]);
    back.tracks.forEach((track, i) =>
      expect(byTime(track.notes, 'pitch')).toEqual(
        project.tracks[i].notes.map((n) => ({
          pitch: n.pitch,
          velocity: n.velocity,
          tick: n.start,
          duration: n.duration,
        })),
      ),
    );
    expect(back.tempos.map((t) => t.tick)).toEqual([0, 1000]);
    expect(back.keys).toEqual([{ tick: 0, sharps: 1, minor: false }]);
    // A selection: only the (audible) tracks with chosen notes, only those notes.
    const selection = readBack(
      multiTrackToMidi(projectToMultiTrack(project, { noteIds: [nid('a4'), nid('b1'), nid('t1')] })),
    );
    expect(selection.tracks.map((t) => [t.name, t.notes.map((n) => [n.pitch, n.tick])])).toEqual([
      ['Piano', [[62, 1999]]],
      ['Bass', [[36, 0]]],
    ]);
    const named = projectToMultiTrack(project, { trackIds: [tid('t')] });
    expect(named.tracks.map((t) => t.name)).toEqual(['Take 1']);
  });

  it('writes a long piece in linear time (an 18,833-note MAESTRO piece, once 16 s, in well under 3 s)', () => {
    const file = sharedData(
      'maestro/2004/MIDI-Unprocessed_XP_06_R1_2004_01_ORIG_MID--AUDIO_06_R1_2004_01_Track01_wav.midi',
    );
    const { project } = projectFromMusic(new Uint8Array(readFileSync(file)), 'piece.midi');
    const description = projectToMultiTrack(project);
    const started = performance.now();
    const bytes = multiTrackToMidi(description);
    const ms = performance.now() - started;
    const back = readBack(bytes);
    expect(back.tracks[0].notes).toHaveLength(18_833);
    expect(byTime(back.tracks[0].notes, 'pitch', 'duration', 'velocity')).toEqual(
      byTime(description.tracks[0].notes, 'pitch', 'duration', 'velocity'),
    );
    // midi-file alone is quadratic in a track's length here (multi-byte delta times): 16-28 s under load.
    expect(ms).toBeLessThan(3000);
  });

  it('the wire schema refuses what would not be a valid file', () => {
    const bad = (change: (file: MultiTrackMidi) => void): boolean => {
      const file = structuredClone(twoTracks);
      change(file);
      return MultiTrackMidiSchema.safeParse(file).success;
    };
    expect(bad(() => undefined)).toBe(true);
    expect(bad((f) => (f.tracks[0].notes[0].velocity = 0))).toBe(false);
    expect(bad((f) => (f.tracks[0].notes[0].pitch = 128))).toBe(false);
    expect(bad((f) => (f.timeSignatures[0].denominator = 3))).toBe(false);
    expect(bad((f) => (f.tracks[1].controllers[0].controller = 123))).toBe(false);
    expect(bad((f) => (f.tracks[0].notes[0].tick = -1))).toBe(false);
  });
});
