import { beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(async () => {
  const { installRunesShim } = await import('./runes_shim.ts');
  installRunesShim();
});

const { ProjectSession } = await import('../../src/renderer/src/lib/project/session.svelte.ts');
const { newNoteId, newProject, newTrack } = await import('../../src/shared/project/create.ts');
type Session = InstanceType<typeof ProjectSession>;

function note(pitch: number, start: number, duration = 480) {
  return { id: newNoteId(), pitch, velocity: 90, start, duration };
}

describe('ProjectSession', () => {
  let session: Session;
  beforeEach(() => {
    session = new ProjectSession();
  });

  it('starts on a new project with its user track active and nothing to undo', () => {
    expect(session.project.tracks).toHaveLength(1);
    expect(session.activeTrackId).toBe(session.project.tracks[0].id);
    expect(session.canUndo).toBe(false);
    expect(session.dirty).toBe(false);
  });

  it('applies edits as undo steps, marks itself dirty and tells listeners', () => {
    const seen: number[] = [];
    session.onChange((project) => seen.push(project.tracks[0].notes.length));
    const trackId = session.activeTrackId;
    const before = session.project;
    session.apply({ type: 'addNotes', trackId, notes: [note(60, 0)] });
    session.apply({ type: 'addNotes', trackId, notes: [note(62, 480)] });
    expect(session.project.tracks[0].notes.map((n) => n.pitch)).toEqual([60, 62]);
    expect(session.dirty).toBe(true);
    expect(session.undoLabel).toBe('Add note');
    session.undo();
    session.undo();
    expect(session.project).toEqual(before);
    expect(session.canUndo).toBe(false);
    expect(session.canRedo).toBe(true);
    session.redo();
    expect(session.project.tracks[0].notes.map((n) => n.pitch)).toEqual([60]);
    expect(seen).toEqual([1, 2, 1, 0, 1]);
  });

  it('never mutates the project it replaces', () => {
    const trackId = session.activeTrackId;
    const first = session.project;
    const frozen = structuredClone(first);
    session.apply({ type: 'addNotes', trackId, notes: [note(60, 0)] });
    expect(first).toEqual(frozen);
    expect(session.project).not.toBe(first);
  });

  it('refuses a bad edit without throwing, keeps the project and reports why', () => {
    const before = session.project;
    session.apply({ type: 'deleteNotes', trackId: session.activeTrackId, noteIds: [newNoteId()] });
    expect(session.project).toBe(before);
    expect(session.error).toMatch(/no note with id/);
    expect(session.canUndo).toBe(false);
    session.apply({ type: 'addNotes', trackId: session.activeTrackId, notes: [note(60, 0)] });
    expect(session.error).toBeUndefined();
  });

  it('drops deleted notes from the selection and keeps a track active', () => {
    const trackId = session.activeTrackId;
    const a = note(60, 0);
    const b = note(64, 0);
    session.apply({ type: 'addNotes', trackId, notes: [a, b] });
    session.select(new Set([a.id, b.id]));
    session.apply({ type: 'deleteNotes', trackId, noteIds: [a.id] });
    expect([...session.selection]).toEqual([b.id]);
    const other = newTrack('take', 'Take');
    session.apply({ type: 'addTrack', track: other });
    session.setActiveTrack(other.id);
    expect(session.selection.size).toBe(0);
    session.apply({ type: 'deleteTrack', trackId: other.id });
    expect(session.activeTrackId).toBe(trackId);
  });

  it('adds a track when asked for one and the project has none (one undo step)', () => {
    session.apply({ type: 'deleteTrack', trackId: session.activeTrackId });
    expect(session.activeTrack).toBeUndefined();
    const id = session.ensureActiveTrack();
    expect(session.project.tracks.map((t) => t.id)).toEqual([id]);
    expect(session.activeTrackId).toBe(id);
    expect(session.ensureActiveTrack()).toBe(id);
  });

  it('replace opens a project: history cleared, path and dirty as given, the user track active', () => {
    session.apply({ type: 'addNotes', trackId: session.activeTrackId, notes: [note(60, 0)] });
    session.playheadTick = 960;
    const project = newProject('Opened');
    const take = newTrack('take');
    project.tracks = [take, ...project.tracks];
    session.replace(project, { path: '/tmp/x.continuo' });
    expect(session.project).toBe(project);
    expect(session.canUndo).toBe(false);
    expect(session.path).toBe('/tmp/x.continuo');
    expect(session.dirty).toBe(false);
    expect(session.playheadTick).toBe(0);
    expect(session.activeTrackId).toBe(project.tracks[1].id);
    session.markSaved('/tmp/y.continuo');
    expect(session.path).toBe('/tmp/y.continuo');
    session.replace(newProject(), { dirty: true });
    expect(session.dirty).toBe(true);
    expect(session.stats()).toMatchObject({ tracks: 1, notes: 0, undo: 0, redo: 0, dirty: true });
  });
});
