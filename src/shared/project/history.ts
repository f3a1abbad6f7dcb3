/**
 * Undo/redo as two stacks of inverse edits, unlimited within a session. The history holds no
 * project: each call takes the current one and returns the next, so it never goes stale.
 */
import { applyEdit } from './edits.ts';
import type { Edit } from './types.ts';
import type { Project } from './types.ts';

interface Step {
  /** What the Edit menu calls it ("Undo Move notes"). */
  label: string;
  /** The edit that was applied (redo applies it again). */
  forward: Edit;
  /** The edit that undoes it. */
  inverse: Edit;
}

/** How many notes an edit names, for labels ("Delete 3 notes"). */
function count(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? `1 ${one}` : `${n} ${many}`;
}

/** A short name for an edit, for the Undo/Redo menu items. */
export function editLabel(edit: Edit): string {
  switch (edit.type) {
    case 'addNotes':
      return edit.notes.length === 1 ? 'Add note' : `Add ${count(edit.notes.length, 'note')}`;
    case 'deleteNotes':
      return `Delete ${count(edit.noteIds.length, 'note')}`;
    case 'updateNotes':
      return `Change ${count(edit.notes.length, 'note')}`;
    case 'moveNotes':
      return `Move ${count(edit.noteIds.length, 'note')}`;
    case 'resizeNotes':
      return `Resize ${count(edit.noteIds.length, 'note')}`;
    case 'transposeNotes':
      return `Transpose ${count(edit.noteIds.length, 'note')}`;
    case 'setVelocity':
      return 'Set velocity';
    case 'quantizeNotes':
      return `Quantize ${count(edit.noteIds.length, 'note')}`;
    case 'duplicateNotes':
      return `Duplicate ${count(edit.noteIds.length, 'note')}`;
    case 'pasteNotes':
      return `Paste ${count(edit.notes.length, 'note')}`;
    case 'addControllers':
      return 'Add controller events';
    case 'deleteControllers':
      return 'Delete controller events';
    case 'addTrack':
      return 'Add track';
    case 'deleteTrack':
      return 'Delete track';
    case 'renameTrack':
      return 'Rename track';
    case 'setTrackProps':
      return 'Change track';
    case 'splitTrack':
      return 'Split track';
    case 'mergeTracks':
      return 'Merge tracks';
    case 'acceptTake':
      return 'Accept take';
    case 'setTempos':
      return 'Change tempo';
    case 'setTimeSignatures':
      return 'Change time signature';
    case 'setKey':
      return 'Change key';
    case 'setName':
      return 'Rename project';
    case 'setGenerationSettings':
      return 'Change generation settings';
    case 'addGeneration':
      return 'Generate';
    case 'removeGeneration':
      return 'Remove generation';
    case 'batch':
      return edit.label;
  }
}

export class EditHistory {
  private readonly done: Step[] = [];
  private readonly undone: Step[] = [];

  /** Applies an edit and records it; a new edit clears what could be redone. Throws `EditError`. */
  apply(project: Project, edit: Edit, label = editLabel(edit)): Project {
    const { project: next, inverse } = applyEdit(project, edit);
    this.done.push({ label, forward: edit, inverse });
    this.undone.length = 0;
    return next;
  }

  /** The project before the last edit, or null when there is nothing to undo. */
  undo(project: Project): Project | null {
    const step = this.done.pop();
    if (!step) return null;
    const { project: previous, inverse } = applyEdit(project, step.inverse);
    // Redo re-applies the inverse of the inverse: exact even when the edit depended on the state.
    this.undone.push({ label: step.label, forward: inverse, inverse: step.inverse });
    return previous;
  }

  /** The project with the last undone edit applied again, or null when there is nothing to redo. */
  redo(project: Project): Project | null {
    const step = this.undone.pop();
    if (!step) return null;
    const { project: next, inverse } = applyEdit(project, step.forward);
    this.done.push({ label: step.label, forward: step.forward, inverse });
    return next;
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  /** Label of the edit Undo would undo ("Move 3 notes"), if any. */
  get undoLabel(): string | undefined {
    return this.done[this.done.length - 1]?.label;
  }

  get redoLabel(): string | undefined {
    return this.undone[this.undone.length - 1]?.label;
  }

  /** How many steps can be undone / redone. */
  get depth(): { undo: number; redo: number } {
    return { undo: this.done.length, redo: this.undone.length };
  }

  /** Forgets everything (a project was opened or replaced). */
  clear(): void {
    this.done.length = 0;
    this.undone.length = 0;
  }
}
