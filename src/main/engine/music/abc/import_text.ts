/** Importing ABC text: tune book -> tunes -> NoteSequences, never throwing. */
import type { AbcTune } from '../../../../shared/music/abc_tune.ts';
import type { FileImport, ImportIssue, MusicItem } from '../music_item.ts';
import { parseTuneTree, plainWarnings } from './parse.ts';
import { readTune, rejectFileText, splitTunes } from './split.ts';
import { type AbcPlayOptions, tuneToSequence } from './to_sequence.ts';

/** Most abcjs warnings quoted in one tune's warning issue. */
const MAX_QUOTED_WARNINGS = 3;

/**
 * Imports an ABC tune book. Never throws: each tune that fails gives an error issue and is
 * dropped; a tune with skipped constructs (abcjs warnings) is kept with a warning issue.
 */
export function parseAbcText(text: string, file: string, options: AbcPlayOptions = {}): FileImport {
  const result: FileImport = { file, items: [], issues: [] };
  const rejected = rejectFileText(text);
  if (rejected) {
    result.issues.push({ file, severity: 'error', reason: rejected });
    return result;
  }
  for (const raw of splitTunes(text)) {
    const item = Number.isFinite(raw.number) ? raw.number : undefined;
    const issue = (severity: ImportIssue['severity'], reason: string): void => {
      result.issues.push(item === undefined ? { file, severity, reason } : { file, item, severity, reason });
    };
    try {
      const tune = readTune(raw);
      if ('error' in tune) {
        issue('error', tune.error);
        continue;
      }
      const imported = importTune(tune, file, options);
      if ('error' in imported) {
        issue('error', imported.error);
        continue;
      }
      result.items.push(imported.item);
      if (imported.warnings.length > 0) {
        const quoted = imported.warnings.slice(0, MAX_QUOTED_WARNINGS).join('; ');
        const more = imported.warnings.length - MAX_QUOTED_WARNINGS;
        issue('warning', `imported, but skipped: ${quoted}${more > 0 ? ` (+${more} more)` : ''}`);
      }
    } catch (error) {
      issue(
        'error',
        `abcjs cannot parse the tune: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return result;
}

/** One tune (header already read) to a MusicItem, or the reason it has no music. */
export function importTune(
  tune: AbcTune,
  file?: string,
  options: AbcPlayOptions = {},
): { item: MusicItem; warnings: string[] } | { error: string } {
  const tree = parseTuneTree(tune.text);
  if (!tree) return { error: 'abcjs found no tune in the text' };
  const sequence = tuneToSequence(
    tree,
    {
      kind: 'abc',
      ...(file !== undefined ? { path: file } : {}),
      item: tune.number,
      title: tune.title,
    },
    options,
    tune.text,
  );
  if (sequence.notes.length === 0) return { error: 'the tune has no notes' };
  return { item: { sequence, abc: tune }, warnings: plainWarnings(tree) };
}
