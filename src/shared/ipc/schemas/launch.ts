import { z } from 'zod';
import { LocalPathSchema } from './ids.ts';

/** What a file the app was launched with becomes: a project to open, or music to import. */
export const LaunchFileKindSchema = z.enum(['project', 'music']);
/** What a launched file becomes. */
export type LaunchFileKind = z.infer<typeof LaunchFileKindSchema>;

/**
 * Event `app.openFile`: the desktop app was asked to open a file (double-click, "Open with",
 * a file dropped on the dock icon, or a second launch with a path).
 */
export const LaunchFileSchema = z.strictObject({ path: LocalPathSchema, kind: LaunchFileKindSchema });
/** Event `app.openFile`. */
export type LaunchFile = z.infer<typeof LaunchFileSchema>;
