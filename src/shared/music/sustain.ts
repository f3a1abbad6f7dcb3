/**
 * The sustain pedal applied to notes, as MIDI import does it (Magenta note-seq's
 * `apply_sustain_control_changes`): while the pedal is down a released note keeps sounding until
 * the pedal comes up, and striking the same pitch again ends the sustained one there.
 */

/** A note with a start and an end in any one time unit. */
export interface TimedNote {
  pitch: number;
  start: number;
  end: number;
}

/** A sustain-pedal change: down (CC64 >= 64) or up, at a time in the notes' unit. */
export interface PedalChange {
  time: number;
  down: boolean;
}

/** Value of CC64 from which the pedal counts as down (the MIDI convention). */
export const PEDAL_DOWN_FROM = 64;

/** Processing order at one time: pedal down, pedal up, note starts, note ends (as note-seq). */
const ORDER = { down: 0, up: 1, start: 2, end: 3 } as const;

/**
 * Copies of `notes` with their ends extended by the pedal. A note still held by the pedal when
 * the changes run out ends at the last time seen (its own end or the last pedal change).
 */
export function applySustain<N extends TimedNote>(notes: readonly N[], pedal: readonly PedalChange[]): N[] {
  const out = notes.map((note) => ({ ...note }));
  type Step = { time: number; order: number; index: number };
  const steps: Step[] = [];
  out.forEach((note, index) => {
    steps.push({ time: note.start, order: ORDER.start, index });
    steps.push({ time: note.end, order: ORDER.end, index });
  });
  pedal.forEach((change) =>
    steps.push({ time: change.time, order: change.down ? ORDER.down : ORDER.up, index: -1 }),
  );
  steps.sort((a, b) => a.time - b.time || a.order - b.order || a.index - b.index);
  let down = false;
  // Notes sounding (held or sustained), by index; a released one waits for the pedal to rise.
  let active: number[] = [];
  const released = new Set<number>();
  let lastTime = 0;
  for (const step of steps) {
    lastTime = Math.max(lastTime, step.time);
    if (step.order === ORDER.down) down = true;
    else if (step.order === ORDER.up) {
      down = false;
      active = active.filter((index) => {
        if (!released.has(index)) return true;
        out[index].end = Math.max(out[index].end, step.time);
        return false;
      });
    } else if (step.order === ORDER.start) {
      if (down) {
        active = active.filter((index) => {
          if (out[index].pitch !== out[step.index].pitch || index === step.index) return true;
          // A re-struck pitch ends the sustained (or still held) one here.
          if (released.has(index)) out[index].end = Math.max(out[index].start, step.time);
          return !released.has(index);
        });
      }
      active.push(step.index);
    } else if (!released.has(step.index)) {
      released.add(step.index);
      if (!down) active = active.filter((index) => index !== step.index);
    }
  }
  for (const index of active) if (released.has(index)) out[index].end = Math.max(out[index].end, lastTime);
  return out;
}
