import { describe, expect, it } from 'vitest';
import { EditError, applyEdit } from '../../src/shared/project/edits.ts';
import { newGenerationId } from '../../src/shared/project/create.ts';
import { EditHistory, editLabel } from '../../src/shared/project/history.ts';
import { PPQ, type Edit, type Project, type Track } from '../../src/shared/project/types.ts';
import { nid, note, sampleProject, tid } from './project_fixtures.ts';

const A = tid('a');

/** Applies an edit, checks its inverse gives back the project exactly, returns the result. */
function roundTrip(project: Project, edit: Edit): Project {
  const before = structuredClone(project);
  const { project: after, inverse } = applyEdit(project, edit);
  expect(project).toEqual(before); // pure: the input is untouched
  const back = applyEdit(after, inverse);
  expect(back.project).toEqual(before);
  // The inverse of the inverse redoes the edit.
  expect(applyEdit(back.project, back.inverse).project).toEqual(after);
  return after;
}

const track = (p: Project, id: string): Track => p.tracks.find((t) => t.id === id)!;

describe('applyEdit: notes', () => {
  it('adds and deletes notes, keeping them sorted', () => {
    const p = roundTrip(sampleProject(), {
      type: 'addNotes',
      trackId: A,
      notes: [note('n1', 50, 100), note('n2', 40, 0)],
    });
    expect(track(p, 'a').notes.map((n) => n.id)).toEqual(['n2', 'a1', 'n1', 'a2', 'a3']);
    const q = roundTrip(p, { type: 'deleteNotes', trackId: A, noteIds: [nid('a2'), nid('n2')] });
    expect(track(q, 'a').notes.map((n) => n.id)).toEqual(['a1', 'n1', 'a3']);
  });

  it('updates notes by id', () => {
    const p = roundTrip(sampleProject(), {
      type: 'updateNotes',
      trackId: A,
      notes: [note('a3', 50, 0, 10, 5)],
    });
    expect(track(p, 'a').notes[0]).toEqual(note('a3', 50, 0, 10, 5));
  });

  it('moves, resizes, transposes and sets velocity', () => {
    let p = roundTrip(sampleProject(), {
      type: 'moveNotes',
      trackId: A,
      noteIds: [nid('a1')],
      deltaTicks: 1000,
      deltaPitch: -2,
    });
    expect(track(p, 'a').notes.map((n) => [n.id, n.start, n.pitch])).toEqual([
      ['a2', 480, 64],
      ['a3', 960, 67],
      ['a1', 1000, 58],
    ]);
    p = roundTrip(sampleProject(), {
      type: 'resizeNotes',
      trackId: A,
      noteIds: [nid('a1'), nid('a2')],
      edge: 'end',
      deltaTicks: -300,
    });
    expect(track(p, 'a').notes.map((n) => n.duration)).toEqual([1, 180, 240]);
    p = roundTrip(sampleProject(), {
      type: 'resizeNotes',
      trackId: A,
      noteIds: [nid('a2')],
      edge: 'start',
      deltaTicks: -100,
    });
    expect(track(p, 'a').notes[1]).toMatchObject({ start: 380, duration: 580 });
    p = roundTrip(sampleProject(), {
      type: 'resizeNotes',
      trackId: A,
      noteIds: [nid('a2')],
      edge: 'start',
      deltaTicks: 5000,
    });
    expect(track(p, 'a').notes.find((n) => n.id === 'a2')).toMatchObject({ start: 959, duration: 1 });
    p = roundTrip(sampleProject(), {
      type: 'transposeNotes',
      trackId: A,
      noteIds: [nid('a1'), nid('a3')],
      semitones: 12,
    });
    expect(track(p, 'a').notes.map((n) => n.pitch)).toEqual([72, 64, 79]);
    p = roundTrip(sampleProject(), { type: 'setVelocity', trackId: A, noteIds: [nid('a2')], velocity: 127 });
    expect(track(p, 'a').notes[1].velocity).toBe(127);
  });

  it('quantizes with strength, start or start and end', () => {
    const base = roundTrip(sampleProject(), {
      type: 'updateNotes',
      trackId: A,
      notes: [note('a1', 60, 130, 200), note('a2', 64, 470, 100)],
    });
    const grid = PPQ / 2;
    let p = roundTrip(base, {
      type: 'quantizeNotes',
      trackId: A,
      noteIds: [nid('a1'), nid('a2')],
      grid,
      strength: 1,
      mode: 'start',
    });
    expect(
      track(p, 'a')
        .notes.slice(0, 2)
        .map((n) => [n.start, n.duration]),
    ).toEqual([
      [240, 200],
      [480, 100],
    ]);
    p = roundTrip(base, {
      type: 'quantizeNotes',
      trackId: A,
      noteIds: [nid('a1')],
      grid,
      strength: 0.5,
      mode: 'startAndEnd',
    });
    // start 130 -> halfway to 240 = 185; end 330 -> halfway to 240 = 285.
    expect(track(p, 'a').notes[0]).toMatchObject({ start: 185, duration: 100 });
    p = roundTrip(base, {
      type: 'quantizeNotes',
      trackId: A,
      noteIds: [nid('a2')],
      grid: PPQ / 3,
      strength: 1,
      mode: 'startAndEnd',
    });
    expect(track(p, 'a').notes.find((n) => n.id === 'a2')).toMatchObject({ start: 480, duration: 160 });
  });

  it('duplicates and pastes under new ids', () => {
    let p = roundTrip(sampleProject(), {
      type: 'duplicateNotes',
      trackId: A,
      noteIds: [nid('a1'), nid('a2')],
      offsetTicks: 1920,
      newIds: [nid('d1'), nid('d2')],
    });
    expect(track(p, 'a').notes.map((n) => [n.id, n.start])).toEqual([
      ['a1', 0],
      ['a2', 480],
      ['a3', 960],
      ['d1', 1920],
      ['d2', 2400],
    ]);
    p = roundTrip(sampleProject(), {
      type: 'pasteNotes',
      trackId: A,
      notes: [note('p1', 60, 500), note('p2', 62, 740)],
      atTick: 3000,
    });
    expect(
      track(p, 'a')
        .notes.slice(-2)
        .map((n) => [n.id, n.start]),
    ).toEqual([
      ['p1', 3000],
      ['p2', 3240],
    ]);
  });

  it('refuses unknown ids and invalid values, changing nothing', () => {
    const p = sampleProject();
    const bad: Edit[] = [
      { type: 'deleteNotes', trackId: A, noteIds: [nid('nope')] },
      { type: 'deleteNotes', trackId: tid('nope'), noteIds: [nid('a1')] },
      { type: 'addNotes', trackId: A, notes: [note('a1', 60, 0)] },
      { type: 'addNotes', trackId: A, notes: [note('x', 128, 0)] },
      { type: 'addNotes', trackId: A, notes: [note('x', 60, -1)] },
      { type: 'addNotes', trackId: A, notes: [note('x', 60, 0, 0)] },
      { type: 'addNotes', trackId: A, notes: [note('x', 60, 0, 10, 0)] },
      { type: 'setVelocity', trackId: A, noteIds: [nid('a1')], velocity: 128 },
      { type: 'moveNotes', trackId: A, noteIds: [nid('a1')], deltaTicks: -1, deltaPitch: 0 },
      { type: 'transposeNotes', trackId: A, noteIds: [nid('a1')], semitones: 70 },
      { type: 'quantizeNotes', trackId: A, noteIds: [nid('a1')], grid: 0, strength: 1, mode: 'start' },
      { type: 'duplicateNotes', trackId: A, noteIds: [nid('a1')], offsetTicks: 10, newIds: [] },
      { type: 'renameTrack', trackId: A, name: '  ' },
      { type: 'setTempos', tempos: [{ tick: 10, qpm: 120 }] },
      { type: 'setTimeSignatures', timeSignatures: [{ tick: 0, numerator: 3, denominator: 3 }] },
      { type: 'mergeTracks', targetId: A, sourceIds: [A] },
      { type: 'acceptTake', takeId: tid('b'), intoTrackId: A },
      { type: 'removeGeneration', generationId: 'g' as never },
      {
        type: 'batch',
        label: 'x',
        edits: [
          { type: 'setName', name: 'ok' },
          { type: 'deleteTrack', trackId: tid('zz') },
        ],
      },
    ];
    const before = structuredClone(p);
    for (const edit of bad) expect(() => applyEdit(p, edit), edit.type).toThrow(EditError);
    expect(p).toEqual(before);
  });
});

describe('applyEdit: tracks and project', () => {
  it('adds controllers and deletes them', () => {
    const p = roundTrip(sampleProject(), {
      type: 'addControllers',
      trackId: A,
      events: [
        { tick: 480, controller: 64, value: 0 },
        { tick: 0, controller: 64, value: 127 },
      ],
    });
    expect(track(p, 'a').controllers.map((c) => c.tick)).toEqual([0, 480]);
    roundTrip(sampleProject(), {
      type: 'deleteControllers',
      trackId: tid('b'),
      events: [{ tick: 0, controller: 64, value: 127 }],
    });
  });

  it('adds, deletes, renames and changes tracks', () => {
    const extra: Track = {
      ...track(sampleProject(), 'a'),
      id: tid('c'),
      name: 'New',
      notes: [note('c1', 60, 0)],
    };
    let p = roundTrip(sampleProject(), { type: 'addTrack', track: extra, index: 1 });
    expect(p.tracks.map((t) => t.id)).toEqual(['a', 'c', 'b', 't']);
    p = roundTrip(sampleProject(), { type: 'deleteTrack', trackId: tid('b') });
    expect(p.tracks.map((t) => t.id)).toEqual(['a', 't']);
    p = roundTrip(sampleProject(), { type: 'renameTrack', trackId: A, name: 'Melody' });
    expect(track(p, 'a').name).toBe('Melody');
    p = roundTrip(sampleProject(), {
      type: 'setTrackProps',
      trackId: A,
      props: { mute: true, program: 40, colour: '#000', kind: 'seed' },
    });
    expect(track(p, 'a')).toMatchObject({
      mute: true,
      program: 40,
      colour: '#000',
      kind: 'seed',
      solo: false,
    });
  });

  it("sets a take's quality line (undoable), only on a take of its own generation", () => {
    const base = sampleProject();
    const take = { generationId: newGenerationId(), variation: 0 };
    const withTake: Project = {
      ...base,
      tracks: base.tracks.map((t) => (t.id === tid('t') ? { ...t, take } : t)),
    };
    const p = roundTrip(withTake, {
      type: 'setTrackProps',
      trackId: tid('t'),
      props: { take: { ...take, quality: 'valid · in key 98% · longest copied run 6 notes' } },
    });
    expect(track(p, 't').take).toEqual({
      ...take,
      quality: 'valid · in key 98% · longest copied run 6 notes',
    });
    expect(() =>
      applyEdit(withTake, { type: 'setTrackProps', trackId: A, props: { take: { ...take, quality: 'x' } } }),
    ).toThrow(EditError);
    expect(() =>
      applyEdit(withTake, {
        type: 'setTrackProps',
        trackId: tid('t'),
        props: { take: { generationId: newGenerationId(), variation: 0, quality: 'x' } },
      }),
    ).toThrow(EditError);
  });

  it('splits, merges and accepts takes', () => {
    let p = roundTrip(sampleProject(), {
      type: 'splitTrack',
      trackId: A,
      noteIds: [nid('a2')],
      newTrack: { id: tid('s'), name: 'Split', colour: '#123' },
    });
    expect(p.tracks.map((t) => [t.id, t.notes.length])).toEqual([
      ['a', 2],
      ['s', 1],
      ['b', 1],
      ['t', 2],
    ]);
    p = roundTrip(sampleProject(), { type: 'mergeTracks', targetId: tid('t'), sourceIds: [tid('b'), A] });
    expect(p.tracks.map((t) => t.id)).toEqual(['t']);
    expect(track(p, 't').notes.map((n) => n.id)).toEqual(['b1', 'a1', 'a2', 'a3', 't1', 't2']);
    expect(track(p, 't').controllers).toHaveLength(1);
    p = roundTrip(sampleProject(), { type: 'acceptTake', takeId: tid('t'), intoTrackId: A });
    expect(p.tracks.map((t) => t.id)).toEqual(['a', 'b']);
    expect(track(p, 'a').notes).toHaveLength(5);
  });

  it('changes tempo, meter, key, name, settings and history', () => {
    let p = roundTrip(sampleProject(), {
      type: 'setTempos',
      tempos: [
        { tick: 0, qpm: 90 },
        { tick: 1920, qpm: 140 },
      ],
    });
    expect(p.tempos).toHaveLength(2);
    p = roundTrip(sampleProject(), {
      type: 'setTimeSignatures',
      timeSignatures: [{ tick: 0, numerator: 6, denominator: 8 }],
    });
    p = roundTrip(p, { type: 'setKey', key: { tonic: 2, mode: 'major' } });
    expect(p.key).toEqual({ tonic: 2, mode: 'major' });
    const unset = roundTrip(p, { type: 'setKey', key: undefined });
    expect('key' in unset).toBe(false);
    p = roundTrip(p, { type: 'setName', name: 'Jig' });
    p = roundTrip(p, { type: 'setGenerationSettings', settings: { ...p.generation, temperature: 0.7 } });
    const record = {
      id: 'g1' as never,
      at: '2026-01-01T00:00:00Z',
      modelId: 'm',
      modelName: 'M',
      settings: p.generation,
      placedAt: 1920,
      takeTrackIds: [tid('t')],
    };
    const record2 = { ...record, id: 'g2' as never };
    p = roundTrip(p, { type: 'addGeneration', record });
    p = roundTrip(p, { type: 'addGeneration', record: record2 });
    const removed = roundTrip(p, { type: 'removeGeneration', generationId: 'g1' as never });
    expect(removed.history.map((r) => r.id)).toEqual(['g2']);
  });

  it('batches edits as one step with one inverse', () => {
    roundTrip(sampleProject(), {
      type: 'batch',
      label: 'Cut and paste',
      edits: [
        { type: 'deleteNotes', trackId: A, noteIds: [nid('a1')] },
        { type: 'pasteNotes', trackId: tid('b'), notes: [note('x1', 60, 0)], atTick: 960 },
        { type: 'renameTrack', trackId: tid('b'), name: 'Both' },
      ],
    });
  });
});

describe('EditHistory', () => {
  it('undoes and redoes, unlimited, and a new edit clears redo', () => {
    const history = new EditHistory();
    const states: Project[] = [sampleProject()];
    for (let i = 0; i < 300; i++) {
      states.push(
        history.apply(states[i], {
          type: 'moveNotes',
          trackId: A,
          noteIds: [nid('a1')],
          deltaTicks: 1,
          deltaPitch: 0,
        }),
      );
    }
    expect(history.undoLabel).toBe('Move 1 note');
    let p = states[300];
    for (let i = 299; i >= 0; i--) {
      p = history.undo(p)!;
      expect(p).toEqual(states[i]);
    }
    expect(history.undo(p)).toBeNull();
    expect(history.canUndo).toBe(false);
    for (let i = 1; i <= 5; i++) {
      p = history.redo(p)!;
      expect(p).toEqual(states[i]);
    }
    expect(history.canRedo).toBe(true);
    p = history.apply(p, { type: 'setName', name: 'Other' });
    expect(history.canRedo).toBe(false);
    expect(history.redo(p)).toBeNull();
    history.clear();
    expect(history.canUndo).toBe(false);
  });

  it('labels every kind of edit', () => {
    expect(editLabel({ type: 'deleteNotes', trackId: A, noteIds: [nid('1'), nid('2')] })).toBe(
      'Delete 2 notes',
    );
    expect(editLabel({ type: 'batch', label: 'Cut', edits: [] })).toBe('Cut');
  });
});
