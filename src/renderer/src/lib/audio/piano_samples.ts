/**
 * The shipped Salamander samples (one velocity layer, every minor third from A0 to C8) and how
 * velocity sounds on them. No DOM or Tone here, so Node tests can check them.
 */

/** The sampled notes (scientific pitch names), as the package names its files. */
export const PIANO_SAMPLE_NOTES: readonly string[] = [
  'A0',
  ...[1, 2, 3, 4, 5, 6, 7].flatMap((octave) => [`C${octave}`, `D#${octave}`, `F#${octave}`, `A${octave}`]),
  'C8',
];

/** Where the build puts the samples, relative to the renderer's index.html. */
export const PIANO_SAMPLES_PATH = 'piano/';

/** The shipped file of a sampled note: `#` spelled `s` (a `#` would end a URL), e.g. `Ds4v10.mp3`. */
export function pianoSampleFile(note: string): string {
  return `${note.replace('#', 's')}v10.mp3`;
}

/** Quietest gain (velocity 1) below full (velocity 127), in decibels. */
const DYNAMIC_RANGE_DB = 36;

/** Gain (0..1) of a MIDI velocity (1..127): a decibel scale over the piano's dynamic range. */
export function velocityGain(velocity: number): number {
  const v = Math.min(127, Math.max(1, velocity));
  return 10 ** ((-DYNAMIC_RANGE_DB * (1 - (v - 1) / 126)) / 20);
}
