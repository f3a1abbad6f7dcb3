import type {
  Edit,
  NoteId,
  ProjectNote,
  QuantizeMode,
  Ticks,
  Track,
} from '../../../../shared/project/types.ts';
import { noteExtent } from './note_index.ts';
import type { RollCommand } from './shortcuts.ts';

/** What a command does: an edit to apply (one undo step) and the selection afterwards. */
export interface CommandResult {
  edit?: Edit;
  select?: Set<NoteId>;
}

/** Notes copied to the editor's clipboard, starts relative to the first (which starts at 0). */
export interface ClipboardNotes {
  notes: ProjectNote[];
}

function selectedNotes(track: Track, selection: ReadonlySet<NoteId>): ProjectNote[] {
  return track.notes.filter((note) => selection.has(note.id));
}

/** Transposes the selection, keeping every note inside 0..127 (the step shrinks at the edges). */
export function transposeSelection(
  track: Track,
  selection: ReadonlySet<NoteId>,
  semitones: number,
): CommandResult {
  const notes = selectedNotes(track, selection);
  const extent = noteExtent(notes);
  if (!extent) return {};
  const step = Math.max(-extent.low, Math.min(127 - extent.high, semitones));
  if (step === 0) return {};
  return {
    edit: { type: 'transposeNotes', trackId: track.id, noteIds: notes.map((n) => n.id), semitones: step },
  };
}

/** Moves the selection in time by `ticks`, never before tick 0. */
export function nudgeSelection(track: Track, selection: ReadonlySet<NoteId>, ticks: Ticks): CommandResult {
  const notes = selectedNotes(track, selection);
  const extent = noteExtent(notes);
  if (!extent) return {};
  const delta = Math.max(-extent.start, ticks);
  if (delta === 0) return {};
  return {
    edit: {
      type: 'moveNotes',
      trackId: track.id,
      noteIds: notes.map((n) => n.id),
      deltaTicks: delta,
      deltaPitch: 0,
    },
  };
}

export function deleteSelection(track: Track, selection: ReadonlySet<NoteId>): CommandResult {
  const ids = selectedNotes(track, selection).map((n) => n.id);
  if (ids.length === 0) return {};
  return { edit: { type: 'deleteNotes', trackId: track.id, noteIds: ids }, select: new Set() };
}

/**
 * Duplicates the selection right after itself: the copy starts where the selection's span ends,
 * rounded up to `grid` (so a bar-long phrase repeats on the next bar). The copy is selected.
 */
export function duplicateSelection(
  track: Track,
  selection: ReadonlySet<NoteId>,
  grid: Ticks | null,
  newId: () => NoteId,
): CommandResult {
  const notes = selectedNotes(track, selection);
  const extent = noteExtent(notes);
  if (!extent) return {};
  const span = extent.end - extent.start;
  const offsetTicks = grid ? Math.max(grid, Math.ceil(span / grid - 1e-9) * grid) : span;
  const newIds = notes.map(() => newId());
  return {
    edit: { type: 'duplicateNotes', trackId: track.id, noteIds: notes.map((n) => n.id), offsetTicks, newIds },
    select: new Set(newIds),
  };
}

/** The selection as clipboard notes (relative starts), or undefined when nothing is selected. */
export function copySelection(track: Track, selection: ReadonlySet<NoteId>): ClipboardNotes | undefined {
  const notes = selectedNotes(track, selection);
  const extent = noteExtent(notes);
  if (!extent) return undefined;
  return { notes: notes.map((note) => ({ ...note, start: note.start - extent.start })) };
}

/** Pastes clipboard notes at `atTick` under new ids; the pasted notes are selected. */
export function pasteClipboard(
  track: Track,
  clipboard: ClipboardNotes | undefined,
  atTick: Ticks,
  newId: () => NoteId,
): CommandResult {
  if (!clipboard || clipboard.notes.length === 0) return {};
  const notes = clipboard.notes.map((note) => ({ ...note, id: newId() }));
  return {
    edit: { type: 'pasteNotes', trackId: track.id, notes, atTick: Math.max(0, Math.round(atTick)) },
    select: new Set(notes.map((n) => n.id)),
  };
}

/** Quantize settings of the Q command. */
export interface QuantizeSettings {
  grid: Ticks;
  /** 0..1. */
  strength: number;
  mode: QuantizeMode;
}

/** Quantizes the selection, or the whole track when nothing is selected. */
export function quantizeSelection(
  track: Track,
  selection: ReadonlySet<NoteId>,
  settings: QuantizeSettings,
): CommandResult {
  const ids =
    selection.size > 0 ? selectedNotes(track, selection).map((n) => n.id) : track.notes.map((n) => n.id);
  if (ids.length === 0) return {};
  return {
    edit: {
      type: 'quantizeNotes',
      trackId: track.id,
      noteIds: ids,
      grid: settings.grid,
      strength: Math.min(1, Math.max(0, settings.strength)),
      mode: settings.mode,
    },
  };
}

/** What a note command works on. */
export interface NoteCommandContext {
  /** The active track (undefined: none yet). */
  track: Track | undefined;
  selection: ReadonlySet<NoteId>;
  /** Snap step (null: grid off). */
  grid: Ticks | null;
  playheadTick: Ticks;
  quantize: QuantizeSettings;
  clipboard: ClipboardNotes | undefined;
  newId: () => NoteId;
  /** The track a paste goes to, created when the project has none. */
  pasteTarget: () => Track | undefined;
}

/** A note command's outcome: what to apply and select, and the clipboard afterwards. */
export interface NoteCommandOutcome extends CommandResult {
  clipboard: ClipboardNotes | undefined;
}

/**
 * The commands that edit notes (or the clipboard): undefined when `command` is not one of them.
 * A nudge without a grid moves a sixteenth.
 */
export function runNoteCommand(
  command: RollCommand,
  ctx: NoteCommandContext,
): NoteCommandOutcome | undefined {
  const { track, selection } = ctx;
  const keep = (result: CommandResult | undefined): NoteCommandOutcome => ({
    ...result,
    clipboard: ctx.clipboard,
  });
  switch (command) {
    case 'copy':
      return { clipboard: (track && copySelection(track, selection)) ?? ctx.clipboard };
    case 'cut':
      if (!track) return keep(undefined);
      return {
        ...deleteSelection(track, selection),
        clipboard: copySelection(track, selection) ?? ctx.clipboard,
      };
    case 'paste': {
      const target = ctx.pasteTarget();
      return keep(target && pasteClipboard(target, ctx.clipboard, ctx.playheadTick, ctx.newId));
    }
    case 'delete':
      return keep(track && deleteSelection(track, selection));
    case 'duplicate':
      return keep(track && duplicateSelection(track, selection, ctx.grid, ctx.newId));
    case 'transposeUp':
    case 'transposeDown':
    case 'octaveUp':
    case 'octaveDown': {
      const steps = { transposeUp: 1, transposeDown: -1, octaveUp: 12, octaveDown: -12 }[command];
      return keep(track && transposeSelection(track, selection, steps));
    }
    case 'nudgeLeft':
    case 'nudgeRight': {
      const step = Math.round(ctx.grid ?? 120);
      return keep(track && nudgeSelection(track, selection, command === 'nudgeLeft' ? -step : step));
    }
    case 'quantize':
      return keep(track && quantizeSelection(track, selection, ctx.quantize));
    default:
      return undefined;
  }
}
