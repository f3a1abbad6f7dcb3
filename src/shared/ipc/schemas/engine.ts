import { z } from 'zod';

/** Where the engine process stands. */
export const EngineStateSchema = z.enum(['starting', 'running', 'crashed', 'restarting', 'stopped']);
/** Where the engine process stands. */
export type EngineState = z.infer<typeof EngineStateSchema>;

/** Event and result `engine.status`: the engine process's state, as the status bar shows it. */
export const EngineStatusSchema = z.strictObject({
  state: EngineStateSchema,
  /** Restarts after a crash since the host started. */
  restarts: z.number().int().nonnegative(),
  /** Why it crashed (exit code or signal), when it did. */
  message: z.string().max(1000).optional(),
});
/** The engine process's state. */
export type EngineStatus = z.infer<typeof EngineStatusSchema>;

/** Event `app.log`: a line for the studio's log (engine and host). */
export const LogLineSchema = z.strictObject({
  level: z.enum(['debug', 'info', 'warning', 'error']),
  source: z.enum(['host', 'engine']),
  message: z.string().max(4000),
});
/** A log line. */
export type LogLine = z.infer<typeof LogLineSchema>;

/** Payload of `dialog.openPaths`: pick files or one or more folders. */
export const OpenPathsPayloadSchema = z.strictObject({ kind: z.enum(['files', 'folders']) });
