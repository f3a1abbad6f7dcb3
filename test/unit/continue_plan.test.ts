import { describe, expect, it } from 'vitest';
import { newProject, newTrack } from '../../src/shared/project/create.ts';
import { ticksToSeconds } from '../../src/shared/project/time.ts';
import {
  PPQ,
  type NoteId,
  type Project,
  type ProjectNote,
  type TrackId,
} from '../../src/shared/project/types.ts';
import {
  outlineSeed,
  planContinuation,
  takeNotes,
} from '../../src/renderer/src/lib/project/continue_plan.ts';
import { acceptTarget } from '../../src/renderer/src/lib/project/continue.svelte.ts';

const BAR = 4 * PPQ;
let ids = 0;
function note(pitch: number, start: number, duration = PPQ): ProjectNote {
  return { id: `n${ids++}` as NoteId, pitch, velocity: 90, start, duration };
}

/** 16 bars of quarter notes at 140 qpm on a user track, and an unaccepted take. */
function project(): Project {
  const base = newProject('Tune');
  const notes = Array.from({ length: 64 }, (_, i) => note(60 + (i % 12), i * PPQ));
  const melody = { ...newTrack('user', 'Melody'), notes };
  const take = { ...newTrack('take', 'Take 1'), notes: [note(90, 10 * BAR)] };
  return { ...base, tempos: [{ tick: 0, qpm: 140 }], tracks: [melody, take] };
}

const none = new Set<NoteId>();

describe('the seed of "Continue from here"', () => {
  it('is the last 8 bars before the playhead, takes left out', () => {
    const p = project();
    const context = { playheadTick: 12 * BAR, activeTrackId: p.tracks[0].id, selection: none, seedBars: 8 };
    const outline = outlineSeed(p, context);
    expect(outline.range).toEqual({ startTick: 4 * BAR, endTick: 12 * BAR });
    expect(outline.trackIds).toEqual([p.tracks[0].id]);
    expect(outline.notes).toBe(32);
    const plan = planContinuation(p, context);
    expect(plan.sequence?.notes).toHaveLength(32);
    expect(plan.sequence?.notes.every((n) => n.pitch < 90)).toBe(true);
    expect(plan.sequence?.notes[0].startTime).toBeCloseTo(0);
    expect(plan.placeAt).toBe(12 * BAR);
  });

  it('is capped at 15 s', () => {
    const p = { ...project(), tempos: [{ tick: 0, qpm: 60 }] };
    const plan = planContinuation(p, {
      playheadTick: 12 * BAR,
      activeTrackId: p.tracks[0].id,
      selection: none,
      seedBars: 8,
    });
    const seconds =
      ticksToSeconds(p.tempos, plan.range.endTick) - ticksToSeconds(p.tempos, plan.range.startTick);
    expect(seconds).toBeCloseTo(15);
    expect(plan.sequence?.notes).toHaveLength(15);
  });

  it('ignores a selection of one note (the one just drawn): the playhead decides', () => {
    const p = project();
    const melody = p.tracks[0];
    const plan = planContinuation(p, {
      playheadTick: 12 * BAR,
      activeTrackId: melody.id,
      selection: new Set([melody.notes[0].id]),
      seedBars: 8,
    });
    expect(plan.from).toBe('playhead');
  });

  it('is the selection when there is one, takes going after it', () => {
    const p = project();
    const melody = p.tracks[0];
    const selection = new Set([melody.notes[2].id, melody.notes[3].id, melody.notes[5].id]);
    const plan = planContinuation(p, { playheadTick: 0, activeTrackId: melody.id, selection, seedBars: 8 });
    expect(plan.from).toBe('selection');
    expect(plan.range).toEqual({ startTick: 2 * PPQ, endTick: 6 * PPQ });
    expect(plan.sequence?.notes.map((n) => n.pitch)).toEqual([62, 63, 65]);
    expect(plan.placeAt).toBe(6 * PPQ);
  });

  it('is nothing at the start of the piece (a new take starts at the playhead)', () => {
    const p = project();
    const plan = planContinuation(p, {
      playheadTick: 0,
      activeTrackId: p.tracks[0].id,
      selection: none,
      seedBars: 8,
    });
    expect(plan.sequence).toBeUndefined();
    expect(plan.placeAt).toBe(0);
  });
});

describe('generated notes as a take', () => {
  it('drops the seed and starts the continuation at the playhead', () => {
    const p = project();
    const seedEnd = { seconds: 4 };
    const generated = [
      { pitch: 60, velocity: 80, startTime: 1, endTime: 2 }, // the seed, decoded
      { pitch: 62, velocity: 80, startTime: 4, endTime: 4.5 },
      { pitch: 64, velocity: 200, startTime: 5, endTime: 5 },
    ];
    const notes = takeNotes(p, generated, seedEnd, 12 * BAR);
    const ticksPerSecond = (140 * PPQ) / 60;
    expect(notes.map((n) => n.pitch)).toEqual([62, 64]);
    expect(notes[0].start).toBe(12 * BAR);
    expect(notes[0].duration).toBe(Math.round(0.5 * ticksPerSecond));
    expect(notes[1].start).toBe(12 * BAR + Math.round(ticksPerSecond));
    expect(notes[1].duration).toBe(1);
    expect(notes[1].velocity).toBe(127);
  });

  it('is accepted into a seed track, else the musician’s own', () => {
    const p = project();
    expect(acceptTarget(p, [p.tracks[0].id])).toBe(p.tracks[0].id);
    expect(acceptTarget(p, ['gone' as TrackId])).toBe(p.tracks[0].id);
    expect(acceptTarget({ ...p, tracks: [p.tracks[1]] }, [])).toBeUndefined();
  });
});
