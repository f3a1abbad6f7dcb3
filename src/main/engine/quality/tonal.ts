/**
 * How tonal a piece is: the share of its sounding time on the notes of its key, and its range.
 * The key is the one the piece declares (ABC K:, a MIDI key signature), else the diatonic
 * scale that fits it best (every mode is one of the twelve major scales' collections).
 */
import type { NoteSequence } from '../../../shared/music/note_sequence.ts';
import { keyName, keyPitchClasses } from '../../../shared/music/key_signatures.ts';

/** The key judged and the share of note time in it. */
export interface KeyFit {
  /** e.g. "D major", or "D major scale (best fit)" when the piece declares none. */
  key: string;
  /** 0..1 of the note time (duration-weighted) on the key's notes; 1 for a piece without notes. */
  inKeyShare: number;
}

/** Sounding time per pitch class. */
function pitchClassTime(sequence: NoteSequence): Float64Array {
  const time = new Float64Array(12);
  for (const note of sequence.notes) {
    if (note.isDrum) continue;
    time[note.pitch % 12] += Math.max(0, note.endTime - note.startTime);
  }
  return time;
}

function shareIn(time: Float64Array, pitchClasses: readonly number[]): number {
  const total = time.reduce((a, b) => a + b, 0);
  if (total === 0) return 1;
  return pitchClasses.reduce((sum, pc) => sum + time[pc], 0) / total;
}

/** The in-key share of a sequence (see the module comment). */
export function keyFit(sequence: NoteSequence): KeyFit {
  const time = pitchClassTime(sequence);
  const declared = sequence.keySignatures[0];
  if (declared) {
    return {
      key: keyName(declared.key, declared.mode),
      inKeyShare: shareIn(time, keyPitchClasses(declared.key, declared.mode)),
    };
  }
  let best = { key: 'C major scale (best fit)', inKeyShare: -1 };
  for (let tonic = 0; tonic < 12; tonic++) {
    const share = shareIn(time, keyPitchClasses(tonic, 'major'));
    if (share > best.inKeyShare)
      best = { key: `${keyName(tonic, 'major')} scale (best fit)`, inKeyShare: share };
  }
  return best;
}

/** Lowest and highest pitch (null for a piece without notes). */
export function pitchRange(sequence: NoteSequence): { low: number; high: number } | null {
  let low = 128;
  let high = -1;
  for (const note of sequence.notes) {
    if (note.isDrum) continue;
    low = Math.min(low, note.pitch);
    high = Math.max(high, note.pitch);
  }
  return high < 0 ? null : { low, high };
}
