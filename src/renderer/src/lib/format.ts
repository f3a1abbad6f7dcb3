/** Small display formatters for the studio (pure). */
import { codecCaps } from './codec_caps.ts';

const NOTE_NAMES = ['C', 'C♯', 'D', 'E♭', 'E', 'F', 'F♯', 'G', 'A♭', 'A', 'B♭', 'B'] as const;

/** A MIDI note number as a name with octave, middle C (60) being C4. */
export function noteName(midi: number): string {
  return `${NOTE_NAMES[((midi % 12) + 12) % 12]}${Math.floor(midi / 12) - 1}`;
}

/** A count with thousands separators. */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** A duration: `4 h 12 min`, `3 min 05 s` or `12 s`. */
export function duration(seconds: number): string {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

/** An ETA phrase: `about 12 s left`, or `estimating…` when unknown. */
export function eta(seconds: number | null): string {
  if (seconds === null) return 'estimating time left…';
  return seconds < 1 ? 'almost done' : `about ${duration(seconds)} left`;
}

/** `1 tune`, `2 tunes`. */
export function plural(value: number, one: string, many = `${one}s`): string {
  return `${count(value)} ${value === 1 ? one : many}`;
}

/** What an item is called for a codec: ABC tune books hold tunes, MIDI files pieces. */
export function itemWord(codec: string): { one: string; many: string } {
  return { ...codecCaps(codec).item };
}

/** The last part of a path, for compact lists (the full path stays in a title). */
export function baseName(file: string): string {
  const parts = file.split(/[\\/]/).filter(Boolean);
  return parts.at(-1) ?? file;
}
