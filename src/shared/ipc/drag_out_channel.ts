/**
 * Channel and page global of Electron's drag-out of a `.mid` (preload -> main; not part of the
 * request contract). Kept free of imports: the sandboxed preload bundles it.
 */
export const DRAG_OUT_CHANNEL = 'continuo:drag-out';
export const DRAG_OUT_GLOBAL = 'continuoDragOut';
