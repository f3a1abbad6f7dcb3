/** Splitting an ABC tune book into tunes, and reading each tune's header fields. */
import type { AbcHeaderField, AbcTune } from '../../../../shared/music/abc_tune.ts';

/** One tune's text as cut from a tune book, before its header is read. */
export interface RawTune {
  /** The X: number, or NaN when the X: value is not a number. */
  number: number;
  /** From the X: line up to (not including) the blank line that ends the tune. */
  text: string;
}

/** Why a file cannot hold any tune, or null when it may. Cheap: looks at bytes, not music. */
export function rejectFileText(text: string): string | null {
  if (text.includes('\u0000')) return 'not ABC text: the file contains NUL bytes (binary data)';
  if (!/^X:/m.test(text)) return 'no tunes found: no X: line';
  return null;
}

/**
 * Cuts a tune book into tunes. A tune starts at a line beginning `X:` and ends at the
 * first blank line (ABC 2.1) or at the next `X:` line; text between tunes is ignored.
 */
export function splitTunes(text: string): RawTune[] {
  const lines = text.split(/\r\n|\n|\r/);
  const tunes: RawTune[] = [];
  let current: string[] | null = null;
  const finish = (): void => {
    if (!current) return;
    const number = Number.parseInt(current[0].slice(2).trim(), 10);
    tunes.push({ number: Number.isFinite(number) ? number : Number.NaN, text: current.join('\n') });
    current = null;
  };
  for (const line of lines) {
    if (line.startsWith('X:')) {
      finish();
      current = [line];
    } else if (current) {
      if (line.trim() === '') finish();
      else current.push(line);
    }
  }
  finish();
  return tunes;
}

const FIELD_LINE = /^([A-Za-z+]):(.*)$/;

/** The header of a tune (fields up to and including K:) and its body, or an error reason. */
export function readTune(raw: RawTune): AbcTune | { error: string } {
  const lines = raw.text.split('\n');
  const headers: AbcHeaderField[] = [];
  let bodyStart = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('%')) continue;
    const match = FIELD_LINE.exec(line);
    if (!match) {
      if (line.trim() === '') continue;
      return {
        error: `no K: (key) line before the music at line ${i + 1}: the tune header must end with K:`,
      };
    }
    headers.push({ field: match[1], value: match[2].trim() });
    if (match[1] === 'K') {
      bodyStart = i + 1;
      break;
    }
  }
  if (bodyStart < 0) return { error: 'no K: (key) line: the tune header must end with K:' };
  if (!Number.isFinite(raw.number)) return { error: `X: line has no tune number ("${lines[0]}")` };
  const title = headers.find((h) => h.field === 'T')?.value ?? '';
  return { number: raw.number, title, headers, body: lines.slice(bodyStart).join('\n'), text: raw.text };
}
