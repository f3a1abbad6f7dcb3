/** Property tests: any edit followed by its inverse gives back the same project. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newProject } from '../../src/shared/project/create.ts';
import { EditError, applyEdit } from '../../src/shared/project/edits.ts';
import { EditHistory } from '../../src/shared/project/history.ts';
import { compareProjectNotes } from '../../src/shared/project/notes.ts';
import type { Edit, NoteId, Project, ProjectNote, Track, TrackId } from '../../src/shared/project/types.ts';

const noteArb = fc.record({
  pitch: fc.integer({ min: 0, max: 127 }),
  velocity: fc.integer({ min: 1, max: 127 }),
  start: fc.integer({ min: 0, max: 20_000 }),
  duration: fc.integer({ min: 1, max: 4000 }),
});

const trackArb = fc.record({
  kind: fc.constantFrom('seed', 'take', 'user', 'imported' as const),
  program: fc.integer({ min: 0, max: 127 }),
  mute: fc.boolean(),
  solo: fc.boolean(),
  notes: fc.array(noteArb, { maxLength: 12 }),
  controllers: fc.array(
    fc.record({
      tick: fc.integer({ min: 0, max: 9000 }),
      controller: fc.constant(64),
      value: fc.integer({ min: 0, max: 127 }),
    }),
    { maxLength: 3 },
  ),
});

/** A random valid project: unique ids, sorted notes and controllers. */
const projectArb = fc.array(trackArb, { minLength: 1, maxLength: 4 }).map((tracks): Project => {
  let noteCounter = 0;
  const base = newProject('Random');
  return {
    ...base,
    tracks: tracks.map((t, i): Track => ({
      id: `t${i}` as TrackId,
      name: `Track ${i}`,
      colour: '#abcdef',
      kind: t.kind,
      program: t.program,
      mute: t.mute,
      solo: t.solo,
      notes: t.notes.map((n) => ({ ...n, id: `n${noteCounter++}` as NoteId })).sort(compareProjectNotes),
      controllers: [...t.controllers].sort(
        (a, b) => a.tick - b.tick || a.controller - b.controller || a.value - b.value,
      ),
    })),
  };
});

let fresh = 0;
const freshId = (): string => `new${fresh++}`;

/** An edit built from random numbers against the project's current ids (may be invalid). */
function makeEdit(project: Project, r: readonly number[]): Edit {
  const pick = <T>(list: readonly T[], k: number): T => list[r[k] % list.length];
  const emptyTrack: Track = {
    id: freshId() as TrackId,
    name: 'Added',
    colour: '#111',
    kind: 'user',
    program: 0,
    mute: false,
    solo: false,
    notes: [],
    controllers: [],
  };
  if (!project.tracks.length) return { type: 'addTrack', track: emptyTrack };
  const track = pick(project.tracks, 1);
  const ids = track.notes.filter((_, i) => (r[2] >> i) & 1).map((n) => n.id);
  const some = ids.length ? ids : track.notes.slice(0, 1).map((n) => n.id);
  const signed = (k: number, max: number): number => (r[k] % (2 * max + 1)) - max;
  const newNote = (k: number): ProjectNote => ({
    id: freshId() as NoteId,
    pitch: r[k] % 128,
    velocity: 1 + (r[k + 1] % 127),
    start: r[k + 2] % 10_000,
    duration: 1 + (r[k + 3] % 2000),
  });
  const other = pick(project.tracks, 3);
  switch (r[0] % 26) {
    case 0:
      return { type: 'addNotes', trackId: track.id, notes: [newNote(4), newNote(5)] };
    case 1:
      return { type: 'deleteNotes', trackId: track.id, noteIds: some };
    case 2:
      return {
        type: 'updateNotes',
        trackId: track.id,
        notes: some.map((id, i) => ({ ...newNote(4 + i), id })),
      };
    case 3:
      return {
        type: 'moveNotes',
        trackId: track.id,
        noteIds: some,
        deltaTicks: signed(4, 2000),
        deltaPitch: signed(5, 12),
      };
    case 4:
      return {
        type: 'resizeNotes',
        trackId: track.id,
        noteIds: some,
        edge: r[4] % 2 ? 'start' : 'end',
        deltaTicks: signed(5, 1000),
      };
    case 5:
      return { type: 'transposeNotes', trackId: track.id, noteIds: some, semitones: signed(4, 24) };
    case 6:
      return { type: 'setVelocity', trackId: track.id, noteIds: some, velocity: 1 + (r[4] % 127) };
    case 7:
      return {
        type: 'quantizeNotes',
        trackId: track.id,
        noteIds: some,
        grid: pick([60, 120, 160, 240, 480], 4),
        strength: (r[5] % 11) / 10,
        mode: r[6] % 2 ? 'start' : 'startAndEnd',
      };
    case 8:
      return {
        type: 'duplicateNotes',
        trackId: track.id,
        noteIds: some,
        offsetTicks: r[4] % 4000,
        newIds: some.map(() => freshId() as NoteId),
      };
    case 9:
      return { type: 'pasteNotes', trackId: track.id, notes: [newNote(4), newNote(6)], atTick: r[5] % 8000 };
    case 10:
      return {
        type: 'addControllers',
        trackId: track.id,
        events: [{ tick: r[4] % 9000, controller: 64, value: r[5] % 128 }],
      };
    case 11:
      return {
        type: 'deleteControllers',
        trackId: track.id,
        events: track.controllers.slice(0, 1 + (r[4] % 2)),
      };
    case 12:
      return {
        type: 'addTrack',
        index: r[4] % (project.tracks.length + 1),
        track: {
          id: freshId() as TrackId,
          name: 'Added',
          colour: '#111',
          kind: 'user',
          program: 0,
          mute: false,
          solo: false,
          notes: [newNote(5)],
          controllers: [],
        },
      };
    case 13:
      return { type: 'deleteTrack', trackId: track.id };
    case 14:
      return { type: 'renameTrack', trackId: track.id, name: `Renamed ${r[4]}` };
    case 15:
      return {
        type: 'setTrackProps',
        trackId: track.id,
        props: { mute: r[4] % 2 === 0, program: r[5] % 128, ...(r[6] % 2 ? { solo: true } : {}) },
      };
    case 16:
      return {
        type: 'splitTrack',
        trackId: track.id,
        noteIds: some,
        newTrack: { id: freshId() as TrackId, name: 'Split', colour: '#222' },
      };
    case 17:
      return {
        type: 'mergeTracks',
        targetId: track.id,
        sourceIds: project.tracks
          .filter((t) => t.id !== track.id)
          .slice(0, 1 + (r[4] % 3))
          .map((t) => t.id),
      };
    case 18:
      return { type: 'acceptTake', takeId: other.id, intoTrackId: track.id };
    case 19:
      return {
        type: 'setTempos',
        tempos: [
          { tick: 0, qpm: 40 + (r[4] % 200) },
          ...(r[5] % 2 ? [{ tick: 1 + (r[6] % 9000), qpm: 60 + (r[7] % 100) }] : []),
        ],
      };
    case 20:
      return {
        type: 'setTimeSignatures',
        timeSignatures: [{ tick: 0, numerator: 1 + (r[4] % 12), denominator: pick([2, 4, 8, 16], 5) }],
      };
    case 21:
      return {
        type: 'setKey',
        key: r[4] % 3 === 0 ? undefined : { tonic: r[5] % 12, mode: r[6] % 2 ? 'major' : 'dorian' },
      };
    case 22:
      return { type: 'setName', name: `Name ${r[4]}` };
    case 23:
      return {
        type: 'setGenerationSettings',
        settings: { ...project.generation, temperature: (r[4] % 20) / 10, seedBars: r[5] % 16 },
      };
    case 24:
      return project.history.length && r[4] % 2
        ? { type: 'removeGeneration', generationId: project.history[r[5] % project.history.length].id }
        : {
            type: 'addGeneration',
            index: r[5] % (project.history.length + 1),
            record: {
              id: freshId() as never,
              at: 'now',
              modelId: 'm',
              modelName: 'M',
              settings: project.generation,
              placedAt: r[6] % 5000,
              takeTrackIds: [],
            },
          };
    default:
      return {
        type: 'batch',
        label: 'Batch',
        edits: [makeEdit(project, r.slice(1).concat(r[0])), { type: 'setName', name: 'After batch' }],
      };
  }
}

const recipes = fc.array(fc.array(fc.nat({ max: 1_000_000 }), { minLength: 10, maxLength: 10 }), {
  minLength: 1,
  maxLength: 25,
});

/** Every track's notes in canonical order, ids unique in the project. */
function checkInvariants(project: Project): void {
  const ids = new Set<string>();
  for (const track of project.tracks) {
    for (let i = 1; i < track.notes.length; i++)
      expect(compareProjectNotes(track.notes[i - 1], track.notes[i])).toBeLessThan(0);
    for (const n of track.notes) {
      expect(ids.has(n.id)).toBe(false);
      ids.add(n.id);
      expect(n.duration).toBeGreaterThanOrEqual(1);
      expect(n.start).toBeGreaterThanOrEqual(0);
    }
  }
}

describe('edits (property)', () => {
  it('edit then inverse gives back a deep-equal project', () => {
    const counts = { applied: 0, refused: 0 };
    fc.assert(
      fc.property(projectArb, recipes, (start, steps) => {
        let project = start;
        for (const r of steps) {
          const edit = makeEdit(project, r);
          const before = structuredClone(project);
          let result;
          try {
            result = applyEdit(project, edit);
          } catch (error) {
            expect(error).toBeInstanceOf(EditError);
            expect(project).toEqual(before);
            counts.refused++;
            continue;
          }
          counts.applied++;
          expect(project).toEqual(before);
          checkInvariants(result.project);
          expect(applyEdit(result.project, result.inverse).project).toEqual(before);
          project = result.project;
        }
      }),
      { numRuns: 300 },
    );
    // Most random edits are valid, so the property is not vacuous.
    expect(counts.applied).toBeGreaterThan(counts.refused * 2);
  });

  it('undo all then redo all through EditHistory walks the same states', () => {
    fc.assert(
      fc.property(projectArb, recipes, (start, steps) => {
        const history = new EditHistory();
        const states = [start];
        for (const r of steps) {
          const current = states[states.length - 1];
          try {
            states.push(history.apply(current, makeEdit(current, r)));
          } catch (error) {
            expect(error).toBeInstanceOf(EditError);
          }
        }
        let project = states[states.length - 1];
        for (let i = states.length - 2; i >= 0; i--) {
          project = history.undo(project)!;
          expect(project).toEqual(states[i]);
        }
        expect(history.canUndo).toBe(false);
        for (let i = 1; i < states.length; i++) {
          project = history.redo(project)!;
          expect(project).toEqual(states[i]);
        }
        expect(history.canRedo).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
