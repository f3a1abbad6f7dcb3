import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeOutput } from '../../src/main/engine/generate/outputs.ts';
import { EngineClient } from '../../src/main/engine/host/client.ts';
import { forkLauncher } from '../../src/main/engine/host/engine_process.ts';
import { midiToNoteSequence, multiTrackToMidi } from '../../src/main/engine/music/midi_io.ts';
import type { MultiTrackMidi } from '../../src/shared/music/multi_track.ts';
import { IpcError, type NoteSequenceWire } from '../../src/shared/ipc/index.ts';

let work: string;
let client: EngineClient;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'continuo-music-write-'));
  client = new EngineClient({ launcher: forkLauncher() });
  client.start();
});

afterAll(async () => {
  await client.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A two-bar phrase: C D E F G, quarter notes at 120 qpm. */
const phrase: NoteSequenceWire = {
  notes: [60, 62, 64, 65, 67].map((pitch, i) => ({
    pitch,
    velocity: 80,
    startTime: i * 0.5,
    endTime: i * 0.5 + 0.5,
    program: 0,
    instrument: 0,
    isDrum: false,
  })),
  tempos: [{ time: 0, qpm: 120 }],
  timeSignatures: [{ time: 0, numerator: 4, denominator: 4 }],
  keySignatures: [{ time: 0, key: 0, mode: 'major' }],
  instruments: [{ instrument: 0, name: 'Piano', program: 0, isDrum: false }],
  totalTime: 2.5,
  source: { kind: 'generated' },
};

describe('engine music.write (the studio exports)', () => {
  it('writes MIDI that reads back to the same notes, byte for byte what the CLI writes', async () => {
    const file = path.join(work, 'take.mid');
    const written = await client.request('music.write', {
      path: file,
      format: 'mid',
      sequence: phrase,
      title: 'Take 1',
    });
    const bytes = readFileSync(file);
    expect(written).toEqual({ path: file, bytes: bytes.length });
    expect(Buffer.from(encodeOutput({ sequence: phrase }, 'mid') as Uint8Array).equals(bytes)).toBe(true);
    const back = midiToNoteSequence(new Uint8Array(bytes));
    expect(back.notes.map((note) => note.pitch)).toEqual([60, 62, 64, 65, 67]);
    expect(back.notes[4].startTime).toBeCloseTo(2, 3);
  });

  it("writes an ABC model's own text as is, else ABC made from the notes under the title", async () => {
    const own = 'X:1\nT:Own\nM:4/4\nL:1/8\nK:D\nABcd efga|\n';
    const ownFile = path.join(work, 'own.abc');
    await client.request('music.write', {
      path: ownFile,
      format: 'abc',
      sequence: phrase,
      abc: own,
      title: 'x',
    });
    expect(readFileSync(ownFile, 'utf8')).toBe(own);

    const madeFile = path.join(work, 'made.abc');
    const made = await client.request('music.write', {
      path: madeFile,
      format: 'abc',
      sequence: phrase,
      title: 'Jigs 2',
    });
    const text = readFileSync(madeFile, 'utf8');
    expect(made.bytes).toBe(Buffer.byteLength(text));
    expect(text).toMatch(/^T:Jigs 2$/m);
    expect(text).toBe(encodeOutput({ sequence: phrase }, 'abc', 'Jigs 2'));
  });

  it('writes a multi-track file (a project export): the bytes of the MIDI module, refusing a bad one', async () => {
    const project: MultiTrackMidi = {
      title: 'Song',
      tempos: [
        { tick: 0, qpm: 90 },
        { tick: 1920, qpm: 120 },
      ],
      timeSignatures: [{ tick: 0, numerator: 3, denominator: 4 }],
      keySignatures: [{ tick: 0, key: 2, mode: 'major' }],
      tracks: [
        {
          name: 'Lead',
          program: 40,
          notes: [{ pitch: 74, velocity: 90, tick: 0, duration: 480 }],
          controllers: [],
        },
        {
          name: 'Bass',
          program: 32,
          notes: [{ pitch: 38, velocity: 70, tick: 480, duration: 1440 }],
          controllers: [{ tick: 480, controller: 64, value: 127 }],
        },
      ],
    };
    const file = path.join(work, 'song.mid');
    const written = await client.request('music.write', { path: file, format: 'mid', multiTrack: project });
    const bytes = readFileSync(file);
    expect(written).toEqual({ path: file, bytes: bytes.length });
    expect(Buffer.from(multiTrackToMidi(project)).equals(bytes)).toBe(true);
    const back = midiToNoteSequence(new Uint8Array(bytes));
    expect(back.instruments.map((i) => [i.name, i.program])).toEqual([
      ['Lead', 40],
      ['Bass', 32],
    ]);
    const bad = structuredClone(project);
    bad.tracks[0].notes[0].velocity = 0;
    const error = await client
      .request('music.write', { path: path.join(work, 'bad.mid'), format: 'mid', multiTrack: bad })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IpcError);
    expect((error as IpcError).code).toBe('bad_payload');
    expect(readdirSync(work)).not.toContain('bad.mid');
  });

  it('answers an error (and writes nothing) where the path cannot be written', async () => {
    writeFileSync(path.join(work, 'a-file'), 'not a folder');
    const file = path.join(work, 'a-file', 'take.mid');
    const error = await client
      .request('music.write', { path: file, format: 'mid', sequence: phrase, title: 't' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IpcError);
    expect((error as IpcError).message).toMatch(
      /^Could not write .*take\.mid: E(EXIST|NOTDIR).*Choose another folder/,
    );
    expect(readdirSync(work).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});
