import ToneMidi from '@tonejs/midi';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newNoteId, newProject, newTrack } from '../../../shared/project/create.ts';
import { compareProjectNotes } from '../../../shared/project/notes.ts';
import { parseProjectFile, serializeProject } from '../../../shared/project/schema.ts';
import { PPQ, type Project, type ProjectNote } from '../../../shared/project/types.ts';

/** The two longest MAESTRO 2004 performances (19,689 and 18,947 notes). */
const PIECES = [
  'MIDI-Unprocessed_XP_01_R1_2004_03_ORIG_MID--AUDIO_01_R1_2004_04_Track04_wav.midi',
  'MIDI-Unprocessed_SMF_05_R1_2004_01_ORIG_MID--AUDIO_05_R1_2004_02_Track02_wav.midi',
];

/** MAESTRO 2004 in the shared data beside the repository (override with $CONTINUO_MAESTRO_2004). */
function maestro2004(): string {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
  return process.env['CONTINUO_MAESTRO_2004'] ?? path.resolve(repo, '../shared/data/maestro/2004');
}

/** A piece's notes on the project grid, starting at `offset` ticks. */
async function pieceNotes(file: string, offset: number): Promise<ProjectNote[]> {
  const midi = new ToneMidi.Midi(await readFile(path.join(maestro2004(), file)));
  const scale = PPQ / midi.header.ppq;
  return midi.tracks.flatMap((track) =>
    track.notes.map((n) => ({
      id: newNoteId(),
      pitch: n.midi,
      velocity: Math.min(127, Math.max(1, Math.round(n.velocity * 127))),
      start: offset + Math.round(n.ticks * scale),
      duration: Math.max(1, Math.round(n.durationTicks * scale)),
    })),
  );
}

/**
 * A project of exactly `count` notes in one track: the longest MAESTRO 2004 performance, topped
 * up with the start of the next one placed after it. Round-tripped through the project file
 * schema, so it is what opening a saved project gives.
 */
export async function bigProject(count = 20_000): Promise<{ project: Project; text: string }> {
  const first = await pieceNotes(PIECES[0], 0);
  const end = Math.max(...first.map((n) => n.start + n.duration));
  const second = await pieceNotes(PIECES[1], Math.ceil(end / (PPQ * 4)) * PPQ * 4 + PPQ * 4);
  second.sort(compareProjectNotes);
  const notes = [...first, ...second.slice(0, Math.max(0, count - first.length))].sort(compareProjectNotes);
  const project = newProject('Editor benchmark (MAESTRO 2004)');
  project.tracks = [{ ...newTrack('imported', 'Piano (MAESTRO)'), notes }];
  const text = serializeProject(project);
  const parsed = parseProjectFile(text);
  if (!parsed.ok) throw new Error(`The benchmark project does not validate: ${parsed.message}`);
  return { project: parsed.project, text };
}
