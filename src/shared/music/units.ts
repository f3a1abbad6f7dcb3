/** Named units, so a signature says what a number means (after Tone.js). */

/** Time in seconds from the start of a piece. */
export type Seconds = number;
/** MIDI pitch number, 0..127 (60 = middle C, C4). */
export type MidiNote = number;
/** MIDI velocity, 1..127 for a sounding note. */
export type Velocity = number;
/** General MIDI program number, 0..127. */
export type Program = number;
/** Tempo in quarter notes per minute. */
export type Qpm = number;
/** Pitch class, 0 = C .. 11 = B. */
export type PitchClass = number;
/** Position on a quantized grid, in steps from the start. */
export type Step = number;
