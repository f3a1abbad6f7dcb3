import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { Midi } from '@tonejs/midi';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineRequests, IpcError } from '../../src/shared/ipc/index.ts';
import { ticksToSeconds } from '../../src/shared/project/time.ts';
import { applyEdit } from '../../src/shared/project/edits.ts';
import { ProjectsService } from '../../src/main/app/projects_service.ts';
import { ProjectStore } from '../../src/main/app/storage/project_store.ts';
import { musicHandlers } from '../../src/main/engine/host/handlers/music.ts';
import { midiToNoteSequence } from '../../src/main/engine/music/midi_io.ts';
import { sharedData } from '../helpers/data.ts';
import { nid, note, sampleProject, tid } from './project_fixtures.ts';

const MAESTRO = sharedData(
  'maestro/2004/MIDI-Unprocessed_SMF_02_R1_2004_01-05_ORIG_MID--AUDIO_02_R1_2004_06_Track06_wav.midi',
);

let dir: string;
let service: ProjectsService;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'continuo-projects-'));
  const store = new ProjectStore(
    path.join(dir, 'projects'),
    path.join(dir, 'autosave'),
    path.join(dir, 'recent-projects.json'),
  );
  // The engine's own music.write handler, behind the contract's schema as in the engine process.
  const write = musicHandlers()['music.write'];
  service = new ProjectsService(
    store,
    {
      exportsDir: path.join(dir, 'exports'),
      dragDir: path.join(dir, 'drag-out'),
      downloadUrl: (name) => `/exports/${name}`,
    },
    async (payload) => write(engineRequests['music.write'].payload.parse(payload)),
  );
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<IpcError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IpcError);
  return error as IpcError;
}

describe('ProjectsService', () => {
  it('saves into projects/, opens it again whole and lists it as recent', async () => {
    const project = sampleProject();
    const saved = await service.save({ project });
    expect(saved.path).toBe(path.join(dir, 'projects', 'sample.continuo'));
    const opened = await service.open({ source: { kind: 'path', path: saved.path } });
    expect(opened.project).toEqual(project);
    expect(opened.path).toBe(saved.path);
    // Save as with a name already taken by another project: a new file, never an overwrite.
    const other = { ...sampleProject(), id: 'other' as never };
    const second = await service.save({ project: other });
    expect(second.path).toBe(path.join(dir, 'projects', 'sample-2.continuo'));
    const recent = await service.recent();
    expect(recent.projects.map((p) => p.path)).toEqual([second.path, saved.path]);
    expect(recent.projects.every((p) => p.exists)).toBe(true);
  });

  it('refuses corrupt and future-schema files, leaving their bytes untouched', async () => {
    const corrupt = path.join(dir, 'bad.continuo');
    const future = path.join(dir, 'future.continuo');
    await writeFile(corrupt, '{"schemaVersion": 1, "tracks": [');
    await writeFile(future, JSON.stringify({ ...sampleProject(), schemaVersion: 99 }));
    const before = [await readFile(corrupt), await readFile(future)];
    const bad = await refusal(service.open({ source: { kind: 'path', path: corrupt } }));
    expect(bad.code).toBe('invalid_file');
    expect(bad.issues).toEqual(['corrupt']);
    expect(bad.message).toMatch(/damaged/);
    const newer = await refusal(service.open({ source: { kind: 'path', path: future } }));
    expect(newer.issues).toEqual(['future_version']);
    expect(newer.message).toMatch(/newer Continuo/);
    expect([await readFile(corrupt), await readFile(future)]).toEqual(before);
    // Uploaded bytes are refused the same way.
    const upload = await refusal(
      service.open({
        source: { kind: 'bytes', fileName: 'x.continuo', dataBase64: before[1].toString('base64') },
      }),
    );
    expect(upload.issues).toEqual(['future_version']);
  });

  it('offers autosaves newer than their file, or never saved; saving or discarding removes them', async () => {
    const project = sampleProject();
    await service.autosave({ project });
    let found = (await service.recoverable()).autosaves;
    expect(found).toMatchObject([{ projectId: project.id, name: 'Sample', notes: 6, tracks: 3 }]);
    expect((await service.recover(project.id)).project).toEqual(project);

    const saved = await service.save({ project });
    expect((await service.recoverable()).autosaves).toEqual([]);
    const edited = applyEdit(project, {
      type: 'deleteNotes',
      trackId: tid('a'),
      noteIds: [nid('a1')],
    }).project;
    await service.autosave({ project: edited, path: saved.path });
    found = (await service.recoverable()).autosaves;
    expect(found.map((a) => a.path)).toEqual([saved.path]);
    expect((await service.recover(project.id)).project).toEqual(edited);
    // A file saved after the autosave (e.g. by another window) wins.
    const later = new Date(Date.now() + 60_000);
    await utimes(saved.path, later, later);
    expect((await service.recoverable()).autosaves).toEqual([]);
    expect((await service.discardAutosave(project.id)).removed).toBe(true);
    expect((await service.discardAutosave(project.id)).removed).toBe(false);
  });

  it('opens a MAESTRO MIDI file as a project with every note, tempo and meter', async () => {
    const bytes = await readFile(MAESTRO);
    const sequence = midiToNoteSequence(bytes);
    const opened = await service.open({
      source: { kind: 'bytes', fileName: 'piece.midi', dataBase64: bytes.toString('base64') },
    });
    expect(opened.format).toBe('mid');
    expect(opened.path).toBeUndefined();
    const notes = opened.project.tracks.flatMap((t) => t.notes);
    expect(notes).toHaveLength(sequence.notes.length);
    const times = notes
      .map((n) => [n.pitch, ticksToSeconds(opened.project.tempos, n.start)])
      .sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    sequence.notes.forEach((n, i) => {
      expect(times[i][0]).toBe(n.pitch);
      expect(Math.abs(times[i][1] - n.startTime)).toBeLessThan(0.002);
    });
  });

  it('imports ABC into tracks and exports MIDI of the project, a track or a selection', async () => {
    const abc = 'X:1\nT:Jig\nM:6/8\nL:1/8\nQ:1/4=120\nK:D\nDFA dfa|\n';
    const imported = await service.import({
      source: { kind: 'bytes', fileName: 'jig.abc', dataBase64: Buffer.from(abc).toString('base64') },
    });
    expect(imported.format).toBe('abc');
    expect(imported.tracks[0].notes.map((n) => n.pitch)).toEqual([62, 66, 69, 74, 78, 81]);
    expect(imported.timeSignatures[0]).toMatchObject({ numerator: 6, denominator: 8 });

    const project = sampleProject();
    project.tempos = [
      { tick: 0, qpm: 100 },
      { tick: 960, qpm: 150 },
    ];
    project.timeSignatures = [{ tick: 0, numerator: 3, denominator: 4 }];
    const exported = await service.export({ project, format: 'mid' });
    expect(exported.path).toBe(path.join(dir, 'exports', 'sample.mid'));
    expect(exported.downloadUrl).toBe('/exports/sample.mid');
    const back = midiToNoteSequence(await readFile(exported.path));
    expect(back.instruments.map((i) => [i.name, i.program])).toEqual([
      ['Piano', 0],
      ['Bass', 32],
      ['Take 1', 0],
    ]);
    expect(back.tempos.map((t) => Math.round(t.qpm))).toEqual([100, 150]);
    expect(back.timeSignatures).toMatchObject([{ numerator: 3, denominator: 4 }]);
    // Read raw (no sustain applied): every note at its own ticks (480 per quarter both sides),
    // and the Bass track's recorded pedal written as it was played.
    const raw = new Midi(await readFile(exported.path));
    expect(raw.header.ppq).toBe(480);
    const parts = raw.tracks.filter((t) => t.notes.length);
    expect(parts.map((t) => t.name)).toEqual(['Piano', 'Bass', 'Take 1']);
    parts.forEach((part, i) => {
      const track = project.tracks[i];
      const ours = track.notes.map((n) => [n.pitch, n.start, n.duration, n.velocity]);
      const theirs = part.notes.map((n) => [n.midi, n.ticks, n.durationTicks, Math.round(n.velocity * 127)]);
      expect(theirs).toEqual(ours);
      const pedal = (part.controlChanges[64] ?? []).map((c) => [c.ticks, Math.round(c.value * 127)]);
      expect(pedal).toEqual(
        track.controllers.filter((c) => c.controller === 64).map((c) => [c.tick, c.value]),
      );
    });
    expect(parts[1].controlChanges[64]).toHaveLength(1);
    const selection = await service.export({ project, format: 'mid', noteIds: [nid('a2'), nid('t1')] });
    expect(selection.fileName).toBe('sample-selection.mid');
    expect(midiToNoteSequence(await readFile(selection.path)).notes.map((n) => n.pitch)).toEqual([64, 72]);
    // A selection inside a held pedal: the pedal is restated at the selection's first note.
    project.tracks[1].notes.push(note('b2', 38, 1920, 480));
    project.tracks[1].controllers.push({ tick: 2880, controller: 64, value: 0 });
    const held = await service.export({ project, format: 'mid', noteIds: [nid('b2')] });
    const heldBass = new Midi(await readFile(held.path)).tracks.find((t) => t.notes.length)!;
    expect(heldBass.controlChanges[64].map((c) => [c.ticks, Math.round(c.value * 127)])).toEqual([
      [1920, 127],
      [2880, 0],
    ]);
    const melody = await service.export({ project, format: 'abc', trackIds: [tid('a')] });
    expect(await readFile(melody.path, 'utf8')).toMatch(/T:Sample/);
    project.tracks[0].notes.push(note('chord', 61, 0));
    const chord = await refusal(service.export({ project, format: 'abc', trackIds: [tid('a')] }));
    expect(chord.message).toMatch(/melody/);
  });
});
