/** Writing tunes back as ABC text. */
import type { AbcTune } from '../../../../shared/music/abc_tune.ts';

/**
 * One tune as ABC text: X: first, the other header fields in order (up to K:), then the body.
 * Built from `headers` and `body`, so edits to them show; ends with a newline.
 */
export function abcTuneToText(tune: AbcTune): string {
  const lines = [`X:${tune.number}`];
  for (const h of tune.headers) {
    if (h.field === 'X') continue;
    lines.push(`${h.field}:${h.value}`);
  }
  if (!tune.headers.some((h) => h.field === 'K')) lines.push('K:C');
  const body = tune.body.replace(/\s+$/, '');
  // A blank line would end the tune early: keep the body's lines but drop empty ones.
  for (const line of body.split(/\r?\n/)) if (line.trim() !== '') lines.push(line);
  return `${lines.join('\n')}\n`;
}

/** A tune book: the tunes in order, separated by blank lines. */
export function writeAbcBook(tunes: AbcTune[]): string {
  return tunes.map(abcTuneToText).join('\n');
}
