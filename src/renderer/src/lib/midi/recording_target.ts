import type { Edit, Project, Ticks } from '../../../../shared/project/types.ts';

/**
 * What MIDI recording writes into: the renderer's ProjectSession (lib/project/session.svelte.ts)
 * fits it. Every change goes through `apply`, so it can be undone.
 */
export interface RecordingTarget {
  readonly project: Project;
  playheadTick: Ticks;
  apply(edit: Edit): void;
}
