import type { MidiNote } from '../../../../../shared/project/types.ts';

/**
 * Zoomed out, thousands of notes fall on a few pixels each. Drawing each one costs the canvas far
 * more than it shows, so notes are merged per pitch row into runs of whole pixels: notes come in
 * start order, and one that begins within a pixel of its row's current run extends it.
 */
export class PixelRuns {
  #start = new Float64Array(128);
  #end = new Float64Array(128).fill(-Infinity);
  #count = 0;

  constructor(private readonly emit: (pitch: MidiNote, x0: number, x1: number) => void) {}

  /** Adds a note spanning pixels [x0, x1). */
  add(pitch: MidiNote, x0: number, x1: number): void {
    const left = Math.floor(x0);
    const right = Math.max(left + 1, Math.ceil(x1));
    if (left <= this.#end[pitch] + 1) {
      if (right > this.#end[pitch]) this.#end[pitch] = right;
      return;
    }
    this.#flushRow(pitch);
    this.#start[pitch] = left;
    this.#end[pitch] = right;
  }

  /** Emits every open run; returns how many runs were emitted in all. */
  flush(): number {
    for (let pitch = 0; pitch < 128; pitch++) this.#flushRow(pitch);
    return this.#count;
  }

  #flushRow(pitch: number): void {
    if (this.#end[pitch] === -Infinity) return;
    this.emit(pitch, this.#start[pitch], this.#end[pitch]);
    this.#count++;
    this.#end[pitch] = -Infinity;
  }
}

/** Whether notes are drawn as merged pixel runs at this zoom (a sixteenth under 4 px). */
export function isDense(pxPerTick: number): boolean {
  return pxPerTick * 120 < 4;
}
