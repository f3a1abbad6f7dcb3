import { z } from 'zod';
import { ProjectFileSchema as ProjectFileShape, TrackSchema as TrackShape } from '../../project/schema.ts';
import type { Project, Track } from '../../project/types.ts';
import { LocalPathSchema } from './ids.ts';

/**
 * Projects as files: save, open, recent, autosave and recovery, import of MIDI/ABC into a
 * project and exports. Projects travel whole (validated with the `.continuo` file schema).
 */

/**
 * Largest file the page may send as bytes (a browser's file picker or drop): base64 grows it by
 * a third, and one WebSocket message holds at most 4 MiB.
 */
export const MAX_UPLOAD_BYTES = 2_900_000;

// The file schema keeps unknown keys (loose objects); typed as the model's own types so both
// ends pass and receive `Project` / `Track` values.
const ProjectFileSchema = ProjectFileShape as unknown as z.ZodType<Project, Project>;
const TrackSchema = TrackShape as unknown as z.ZodType<Track, Track>;

/** A project id as the page sends it back (names an autosave). */
const ProjectIdText = z.string().min(1).max(100);

/** Where a file to open or import comes from. */
/** A file's bytes as the page sends them: base64, within the upload cap. */
export const UploadBase64Schema = z
  .string()
  .max(
    Math.ceil(MAX_UPLOAD_BYTES / 3) * 4,
    `a file sent from the page can be at most ${MAX_UPLOAD_BYTES / 1e6} MB`,
  )
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');

export const ProjectSourceSchema = z.discriminatedUnion('kind', [
  /** A file on this machine (Electron, the recent list, or a typed path). */
  z.strictObject({ kind: z.literal('path'), path: LocalPathSchema }),
  /** A file the page read (browser file picker or drag-and-drop). */
  z.strictObject({
    kind: z.literal('bytes'),
    fileName: z.string().trim().min(1).max(255),
    dataBase64: UploadBase64Schema,
  }),
  /** The host's native open dialog (Electron; the web host answers `unsupported`). */
  z.strictObject({ kind: z.literal('dialog') }),
]);
export type ProjectSource = z.infer<typeof ProjectSourceSchema>;

/** File kinds a project can be opened or imported from. */
export const ProjectFileKindSchema = z.enum(['continuo', 'mid', 'abc']);

const TempoWire = z.strictObject({ tick: z.number().int().min(0), qpm: z.number().min(10).max(1000) });
const TimeSignatureWire = z.strictObject({
  tick: z.number().int().min(0),
  numerator: z.number().int().min(1).max(64),
  denominator: z.number().int().min(1).max(64),
});
const KeyWire = z.strictObject({
  tonic: z.number().int().min(0).max(11),
  mode: z.enum(['major', 'minor', 'dorian', 'phrygian', 'lydian', 'mixolydian', 'locrian']),
});

/** Payload of `projects.save`. */
export const ProjectSavePayloadSchema = z.strictObject({
  project: ProjectFileSchema,
  /** Where to write (the file it was opened from); absent = Save as. */
  path: LocalPathSchema.optional(),
  /** Save as: the file's name (web host: in the data folder's projects/; Electron: the dialog's suggestion). */
  fileName: z.string().trim().min(1).max(200).optional(),
});

export const ProjectSavedSchema = z.strictObject({
  path: LocalPathSchema,
  bytes: z.number().int().nonnegative(),
  /** ISO time. */
  savedAt: z.string().max(64),
});

/** Result of `projects.open`: the whole project (a `.continuo`, or a new one made from a MIDI/ABC file). */
export const ProjectOpenedSchema = z.strictObject({
  project: ProjectFileSchema,
  /** The `.continuo` file it was read from (absent for uploads and MIDI/ABC: Save asks where). */
  path: LocalPathSchema.optional(),
  format: ProjectFileKindSchema,
  warnings: z.array(z.string().max(500)).max(50),
});

/** Payload of `projects.import`: a MIDI or ABC file whose tracks join the open project. */
export const ProjectImportPayloadSchema = z.strictObject({
  source: ProjectSourceSchema,
  /** The open project's tempo map: notes are placed by it (the file's own map is still returned). */
  tempos: z.array(TempoWire).min(1).max(100_000).optional(),
  /** Which tune of an ABC book (0-based; default the first). */
  item: z.number().int().min(0).max(100_000).optional(),
});

/** Result of `projects.import`: new tracks (fresh ids) and the file's tempo map, meter and key. */
export const ProjectImportSchema = z.strictObject({
  name: z.string().max(300),
  format: z.enum(['mid', 'abc']),
  tracks: z.array(TrackSchema).max(1000),
  tempos: z.array(TempoWire).max(100_000),
  timeSignatures: z.array(TimeSignatureWire).max(100_000),
  key: KeyWire.optional(),
  /** Tunes in an ABC book (1 for MIDI). */
  items: z.number().int().min(0),
  warnings: z.array(z.string().max(500)).max(50),
});

/** One entry of the recent list. */
export const RecentProjectSchema = z.strictObject({
  path: LocalPathSchema,
  name: z.string().max(300),
  /** ISO time it was last opened or saved. */
  openedAt: z.string().max(64),
  /** False when the file is gone (moved or deleted). */
  exists: z.boolean(),
});
export type RecentProject = z.infer<typeof RecentProjectSchema>;

/** Payload of `projects.autosave`: the open project, and the file it belongs to if saved. */
export const ProjectAutosavePayloadSchema = z.strictObject({
  project: ProjectFileSchema,
  path: LocalPathSchema.optional(),
});

/** An autosaved version that is newer than its file (or was never saved). */
export const AutosaveSummarySchema = z.strictObject({
  projectId: ProjectIdText,
  name: z.string().max(300),
  /** ISO time of the autosave. */
  at: z.string().max(64),
  path: LocalPathSchema.optional(),
  notes: z.number().int().nonnegative(),
  tracks: z.number().int().nonnegative(),
});
export type AutosaveSummary = z.infer<typeof AutosaveSummarySchema>;

/** Payload of `projects.export`: what to write and in which format. */
export const ProjectExportPayloadSchema = z.strictObject({
  project: ProjectFileSchema,
  /** `mid`: type 1 with tempo map, meter, names, programs; `abc`: one monophonic track; `continuo`: the project file. */
  format: z.enum(['mid', 'abc', 'continuo']),
  /** These tracks only (muted ones too); default the audible tracks. ABC needs exactly one. */
  trackIds: z.array(z.string().min(1).max(100)).max(1000).optional(),
  /** These notes only (the selection). */
  noteIds: z.array(z.string().min(1).max(100)).max(2_000_000).optional(),
  /** The file's name (without folder); derived from the project's name when absent. */
  fileName: z.string().trim().min(1).max(200).optional(),
  /** Where to write; Electron's save dialog asks when absent, the web host uses exports/. */
  path: LocalPathSchema.optional(),
});
export type ProjectExportPayload = z.infer<typeof ProjectExportPayloadSchema>;

export const ProjectExportSchema = z.strictObject({
  path: LocalPathSchema,
  fileName: z.string().max(300),
  bytes: z.number().int().nonnegative(),
  /** Same-origin download URL (web host). */
  downloadUrl: z.string().max(2000).optional(),
});

export { DRAG_OUT_CHANNEL, DRAG_OUT_GLOBAL } from '../drag_out_channel.ts';

/** What the page sends when a track or selection is dragged out of the window. */
export const DragOutPayloadSchema = ProjectExportPayloadSchema.pick({
  project: true,
  trackIds: true,
  noteIds: true,
  fileName: true,
});
export type DragOutPayload = z.infer<typeof DragOutPayloadSchema>;

export {
  KeyWire as ProjectKeyWireSchema,
  TempoWire as TempoWireSchema,
  TimeSignatureWire as TimeSignatureWireSchema,
};
