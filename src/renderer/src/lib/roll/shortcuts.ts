/** A command the editor runs from the keyboard (and from its toolbar). */
export type RollCommand =
  | 'undo'
  | 'redo'
  | 'delete'
  | 'selectAll'
  | 'deselect'
  | 'duplicate'
  | 'copy'
  | 'cut'
  | 'paste'
  | 'transposeUp'
  | 'transposeDown'
  | 'octaveUp'
  | 'octaveDown'
  | 'nudgeLeft'
  | 'nudgeRight'
  | 'quantize'
  | 'zoomIn'
  | 'zoomOut'
  | 'zoomFit'
  | 'toolSelect'
  | 'toolDraw'
  | 'toolErase'
  | 'toggleAudition'
  | 'help';

/** A key press, as the editor sees it (Cmd counts as Ctrl). */
export interface KeyPress {
  key: string;
  ctrl: boolean;
  shift: boolean;
  alt: boolean;
}

interface Shortcut {
  command: RollCommand;
  /** `key` as in KeyboardEvent.key, lower-cased for letters. */
  key: string;
  ctrl?: boolean;
  shift?: boolean;
  /** How the help overlay writes it. */
  label: string;
  description: string;
}

/** Every shortcut, in the order the help overlay lists them. One table for both. */
export const SHORTCUTS: readonly Shortcut[] = [
  {
    command: 'toolSelect',
    key: 'v',
    label: 'V',
    description: 'Select tool (click, Shift-click, drag a box)',
  },
  { command: 'toolDraw', key: 'd', label: 'D', description: 'Draw tool (click-drag sets the length)' },
  { command: 'toolErase', key: 'e', label: 'E', description: 'Erase tool (right-drag erases with any tool)' },
  { command: 'undo', key: 'z', ctrl: true, label: 'Ctrl+Z', description: 'Undo' },
  { command: 'redo', key: 'z', ctrl: true, shift: true, label: 'Ctrl+Shift+Z', description: 'Redo' },
  { command: 'redo', key: 'y', ctrl: true, label: 'Ctrl+Y', description: 'Redo' },
  {
    command: 'selectAll',
    key: 'a',
    ctrl: true,
    label: 'Ctrl+A',
    description: 'Select all notes of the track',
  },
  { command: 'deselect', key: 'escape', label: 'Esc', description: 'Clear the selection (or cancel a drag)' },
  { command: 'delete', key: 'delete', label: 'Delete', description: 'Delete the selection' },
  { command: 'delete', key: 'backspace', label: 'Backspace', description: 'Delete the selection' },
  {
    command: 'duplicate',
    key: 'd',
    ctrl: true,
    label: 'Ctrl+D',
    description: 'Duplicate the selection after itself',
  },
  { command: 'copy', key: 'c', ctrl: true, label: 'Ctrl+C', description: 'Copy the selection' },
  { command: 'cut', key: 'x', ctrl: true, label: 'Ctrl+X', description: 'Cut the selection' },
  { command: 'paste', key: 'v', ctrl: true, label: 'Ctrl+V', description: 'Paste at the playhead' },
  { command: 'transposeUp', key: 'arrowup', label: '↑', description: 'Transpose up a semitone' },
  { command: 'transposeDown', key: 'arrowdown', label: '↓', description: 'Transpose down a semitone' },
  {
    command: 'octaveUp',
    key: 'arrowup',
    shift: true,
    label: 'Shift+↑',
    description: 'Transpose up an octave',
  },
  {
    command: 'octaveDown',
    key: 'arrowdown',
    shift: true,
    label: 'Shift+↓',
    description: 'Transpose down an octave',
  },
  {
    command: 'nudgeLeft',
    key: 'arrowleft',
    label: '←',
    description: 'Move the selection a grid step earlier',
  },
  {
    command: 'nudgeRight',
    key: 'arrowright',
    label: '→',
    description: 'Move the selection a grid step later',
  },
  { command: 'quantize', key: 'q', label: 'Q', description: 'Quantize the selection (all notes if none)' },
  { command: 'zoomIn', key: '=', ctrl: true, label: 'Ctrl+=', description: 'Zoom in (or Ctrl+wheel)' },
  { command: 'zoomOut', key: '-', ctrl: true, label: 'Ctrl+−', description: 'Zoom out' },
  { command: 'zoomFit', key: 'f', label: 'F', description: 'Zoom to fit the track' },
  { command: 'toggleAudition', key: 'a', label: 'A', description: 'Hear notes as you edit them (on/off)' },
  { command: 'help', key: '?', shift: true, label: '?', description: 'Show or hide these shortcuts' },
];

/** Mouse gestures, listed in the help overlay after the keys. */
export const MOUSE_HINTS: readonly { label: string; description: string }[] = [
  { label: 'Drag a note', description: 'Move it (snapped; hold Alt for free, Ctrl to copy)' },
  { label: 'Drag a note’s edge', description: 'Change its length or start' },
  { label: 'Double-click', description: 'Select tool: add a note, or delete the one clicked' },
  { label: 'Wheel / Shift+wheel', description: 'Scroll up-down / left-right' },
  { label: 'Ctrl+wheel', description: 'Zoom time; Ctrl+Shift+wheel zooms pitch' },
  {
    label: 'Click the ruler',
    description: 'Place the playhead; drag to set a loop, double-click to clear it',
  },
  { label: 'Click a key', description: 'Hear the pitch' },
  { label: 'Velocity lane', description: 'Drag a stem (or the selection) up or down' },
];

/** The command a key press runs, if any. */
export function commandFor(press: KeyPress): RollCommand | undefined {
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key.toLowerCase();
  if (press.alt) return undefined;
  for (const shortcut of SHORTCUTS) {
    if (shortcut.key !== key) continue;
    if (Boolean(shortcut.ctrl) !== press.ctrl) continue;
    // '?' needs Shift on most layouts; other keys must match Shift exactly.
    if (shortcut.key !== '?' && Boolean(shortcut.shift) !== press.shift) continue;
    return shortcut.command;
  }
  if (key === '+' && press.ctrl) return 'zoomIn';
  return undefined;
}
