/**
 * The `.continuo` file: a project as JSON with its schema version, validated with zod on load.
 * A file from a newer Continuo or a damaged one is refused whole, with a message for a person.
 */
import { z } from 'zod';
import { compareProjectNotes } from './notes.ts';
import {
  PPQ,
  PROJECT_SCHEMA_VERSION,
  type GenerationId,
  type Project,
  type ProjectNote,
  type ProjectId,
  type TrackId,
} from './types.ts';

/** Most notes one project may hold (a long MAESTRO piece has ~30,000). */
export const MAX_PROJECT_NOTES = 2_000_000;

const idText = (value: unknown): boolean =>
  typeof value === 'string' && value.length > 0 && value.length <= 100;
const TrackIdSchema = z.custom<TrackId>(idText, 'a track id is 1..100 characters');
const ProjectIdSchema = z.custom<ProjectId>(idText, 'a project id is 1..100 characters');
const GenerationIdSchema = z.custom<GenerationId>(idText, 'a generation id is 1..100 characters');

/** A tick on the grid (also the multi-track MIDI wire's). */
export const Tick = z
  .number()
  .int()
  .min(0)
  .max(2 ** 40);
/** A MIDI data value 0..127 (also the multi-track MIDI wire's). */
export const Midi7 = z.number().int().min(0).max(127);
const Name = z
  .string()
  .max(200)
  .refine((s) => s.trim().length > 0, 'a name cannot be blank');
const IsoTime = z.string().min(1).max(64);

/** Why a note's field is invalid, or undefined when it is fine. */
function badField(value: unknown, lo: number, hi: number): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value))
    return `expected a whole number, got ${typeof value === 'number' ? value : typeof value}`;
  if (value < lo || value > hi) return `expected ${lo}..${hi}, got ${value}`;
  return undefined;
}

const NOTE_FIELDS: readonly [string, number, number][] = [
  ['pitch', 0, 127],
  ['velocity', 1, 127],
  ['start', 0, 2 ** 40],
  ['duration', 1, 2 ** 40],
];

/**
 * A track's notes, checked in one plain loop: a long piece has tens of thousands, and a zod
 * object per note costs ~5x more. Pitch 0..127, velocity 1..127, start >= 0, duration >= 1.
 */
const NotesSchema = z
  .array(z.unknown())
  .max(MAX_PROJECT_NOTES)
  .superRefine((notes, ctx) => {
    let issues = 0;
    for (let i = 0; i < notes.length && issues < 5; i++) {
      const note = notes[i];
      if (typeof note !== 'object' || note === null || Array.isArray(note)) {
        ctx.addIssue({ code: 'custom', path: [i], message: 'a note is an object' });
        issues++;
        continue;
      }
      const fields = note as Record<string, unknown>;
      if (!idText(fields['id'])) {
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'a note id is 1..100 characters' });
        issues++;
      }
      for (const [field, lo, hi] of NOTE_FIELDS) {
        const why = badField(fields[field], lo, hi);
        if (why) {
          ctx.addIssue({ code: 'custom', path: [i, field], message: why });
          issues++;
        }
      }
    }
  }) as unknown as z.ZodType<ProjectNote[]>;

// Objects keep keys this build does not know (a field another part of the app added): loading
// and saving again never drops data.
const ControllerEventSchema = z.looseObject({ tick: Tick, controller: Midi7, value: Midi7 });

const TrackKindSchema = z.enum(['seed', 'take', 'user', 'imported']);

export const TrackSchema = z.looseObject({
  id: TrackIdSchema,
  name: Name,
  colour: z.string().min(1).max(64),
  kind: TrackKindSchema,
  program: Midi7,
  mute: z.boolean(),
  solo: z.boolean(),
  notes: NotesSchema,
  controllers: z.array(ControllerEventSchema).max(MAX_PROJECT_NOTES),
  take: z
    .looseObject({
      generationId: GenerationIdSchema,
      variation: z.number().int().min(0).max(1000),
      quality: z.string().max(2000).optional(),
    })
    .optional(),
});

const TempoEventSchema = z.looseObject({ tick: Tick, qpm: z.number().min(10).max(1000) });
/** A time signature's numerator and denominator (also the multi-track MIDI wire's). */
export const MeterFields = {
  numerator: z.number().int().min(1).max(64),
  denominator: z
    .number()
    .int()
    .refine((d) => [1, 2, 4, 8, 16, 32, 64].includes(d), 'a power of two up to 64'),
};
const TimeSignatureEventSchema = z.looseObject({ tick: Tick, ...MeterFields });

export const KeyModeSchema = z.enum([
  'major',
  'minor',
  'dorian',
  'phrygian',
  'lydian',
  'mixolydian',
  'locrian',
]);

export const ProjectGenerationSettingsSchema = z.looseObject({
  modelId: z.string().max(200).optional(),
  temperature: z.number().min(0).max(5),
  topK: z.number().int().min(0).max(100_000),
  topP: z.number().min(0).max(1),
  length: z.string().max(32),
  variations: z.number().int().min(1).max(64),
  key: z.string().max(40).optional(),
  seedBars: z.number().int().min(0).max(10_000),
  randomSeed: z.number().int().min(0).optional(),
});

const GenerationRecordSchema = z.looseObject({
  id: GenerationIdSchema,
  at: IsoTime,
  modelId: z.string().max(200),
  modelName: z.string().max(200),
  settings: ProjectGenerationSettingsSchema,
  seed: z
    .looseObject({ startTick: Tick, endTick: Tick, trackIds: z.array(TrackIdSchema).max(10_000) })
    .optional(),
  placedAt: Tick,
  takeTrackIds: z.array(TrackIdSchema).max(10_000),
});

/** Events sorted by tick, one per tick, the first at 0. */
function timeline(what: string) {
  return (events: readonly { tick: number }[], ctx: z.RefinementCtx): void => {
    if (!events.length) ctx.addIssue({ code: 'custom', message: `no ${what}` });
    else if (events[0].tick !== 0)
      ctx.addIssue({ code: 'custom', message: `the first ${what} is not at tick 0` });
    for (let i = 1; i < events.length; i++)
      if (events[i].tick <= events[i - 1].tick) {
        ctx.addIssue({ code: 'custom', path: [i], message: `${what} changes out of order` });
        break;
      }
  };
}

/** A whole project as stored in a `.continuo` file (the current schema version). */
export const ProjectFileSchema = z
  .looseObject({
    schemaVersion: z.literal(PROJECT_SCHEMA_VERSION),
    id: ProjectIdSchema,
    name: Name,
    createdAt: IsoTime,
    modifiedAt: IsoTime,
    ppq: z.literal(PPQ),
    tempos: z.array(TempoEventSchema).max(100_000).superRefine(timeline('tempo')),
    timeSignatures: z.array(TimeSignatureEventSchema).max(100_000).superRefine(timeline('time signature')),
    key: z.looseObject({ tonic: z.number().int().min(0).max(11), mode: KeyModeSchema }).optional(),
    tracks: z.array(TrackSchema).max(1000),
    generation: ProjectGenerationSettingsSchema,
    history: z.array(GenerationRecordSchema).max(10_000),
  })
  .superRefine((project, ctx) => {
    const trackIds = new Set<string>();
    const noteIds = new Set<string>();
    let total = 0;
    project.tracks.forEach((track, t) => {
      if (trackIds.has(track.id))
        ctx.addIssue({ code: 'custom', path: ['tracks', t, 'id'], message: 'repeated track id' });
      trackIds.add(track.id);
      total += track.notes.length;
      for (let n = 0; n < track.notes.length; n++) {
        const id = track.notes[n].id;
        if (noteIds.has(id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['tracks', t, 'notes', n, 'id'],
            message: 'repeated note id',
          });
          return;
        }
        noteIds.add(id);
      }
    });
    if (total > MAX_PROJECT_NOTES)
      ctx.addIssue({ code: 'custom', path: ['tracks'], message: 'too many notes' });
  });

/** Why a file was not opened. */
export type ProjectFileRefusal = 'corrupt' | 'future_version';

export type ParsedProjectFile =
  { ok: true; project: Project } | { ok: false; reason: ProjectFileRefusal; message: string };

/** "tracks[0].notes[3].pitch" from a zod issue path. */
function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || 'the file';
}

/** A validated project with each track's notes and controllers in canonical order. */
function normalised(project: Project): Project {
  return {
    ...project,
    tracks: project.tracks.map((t) => ({
      ...t,
      notes: [...t.notes].sort(compareProjectNotes),
      controllers: [...t.controllers].sort(
        (a, b) => a.tick - b.tick || a.controller - b.controller || a.value - b.value,
      ),
    })),
  };
}

/** Validates a value as a current-version project (e.g. one the page sends to be saved). */
export function parseProjectValue(value: unknown): ParsedProjectFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return {
      ok: false,
      reason: 'corrupt',
      message: 'This is not a Continuo project (no project data in it).',
    };
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    return {
      ok: false,
      reason: 'corrupt',
      message: 'This is not a Continuo project (it has no schema version).',
    };
  if (version > PROJECT_SCHEMA_VERSION)
    return {
      ok: false,
      reason: 'future_version',
      message: `This project was saved by a newer Continuo (file format ${version}; this version reads up to ${PROJECT_SCHEMA_VERSION}). Update Continuo to open it; the file was not changed.`,
    };
  const parsed = ProjectFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const more =
      parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : '';
    return {
      ok: false,
      reason: 'corrupt',
      message: `The project file is damaged: ${pathText(issue.path)}: ${issue.message}${more}. It was not opened or changed.`,
    };
  }
  return { ok: true, project: normalised(parsed.data as unknown as Project) };
}

/** Reads a `.continuo` file's text: the whole project, or why it is refused. */
export function parseProjectFile(text: string): ParsedProjectFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      reason: 'corrupt',
      message: `The project file is damaged (not valid JSON: ${reason}). It was not opened or changed.`,
    };
  }
  return parseProjectValue(value);
}

/** The text of a `.continuo` file. */
export function serializeProject(project: Project): string {
  return `${JSON.stringify(project)}\n`;
}
