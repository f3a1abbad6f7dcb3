/** Reading ABC text with abcjs: one tune's text to its parse tree. */
import abcjs from 'abcjs';
import type { AbcParsedTune } from './tree.ts';

/** abcjs's parse tree of the first tune in `text`, or null when abcjs finds none. Throws on abcjs errors. */
export function parseTuneTree(text: string): AbcParsedTune | null {
  const tunes = abcjs.parseOnly(text) as unknown as AbcParsedTune[];
  return tunes[0] ?? null;
}

/** abcjs's warnings as plain text (it wraps the offending spot in HTML). */
export function plainWarnings(tree: AbcParsedTune): string[] {
  return (tree.warnings ?? []).map((w) =>
    w
      .replace(/<[^>]*>/g, '')
      .replace(/&gt;/g, '>')
      .replace(/&lt;/g, '<')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}
