/**
 * Electron IPC channel names. Kept free of zod so the sandboxed preload stays tiny;
 * main validates everything that crosses them against the contract.
 */

/** The renderer -> main request channel (one channel; the method is checked against the contract). */
export const INVOKE_CHANNEL = 'continuo:invoke';
/** The main -> renderer event channel. */
export const EVENT_CHANNEL = 'continuo:event';
/** The name of the one object the preload exposes on `window`. */
export const BRIDGE_GLOBAL = 'continuo';
