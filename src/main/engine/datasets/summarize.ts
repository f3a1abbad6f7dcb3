import { CodecError, type Codec } from '../codecs/codec.ts';
import type { FileImport, ImportIssue } from '../music/music_item.ts';
import type { FileSummary, ItemSummary } from './types.ts';

/**
 * Encodes every item of an imported file and keeps only what dataset statistics and
 * training need (tokens and figures). An item the codec rejects becomes an error issue.
 */
export function summarizeImport(imported: FileImport, codec: Codec): FileSummary {
  const items: ItemSummary[] = [];
  const issues: ImportIssue[] = [...imported.issues];
  for (const music of imported.items) {
    const number = music.abc?.number ?? music.sequence.source.item;
    try {
      const tokens = codec.encode(music);
      let minPitch: number | null = null;
      let maxPitch: number | null = null;
      for (const note of music.sequence.notes) {
        if (minPitch === null || note.pitch < minPitch) minPitch = note.pitch;
        if (maxPitch === null || note.pitch > maxPitch) maxPitch = note.pitch;
      }
      items.push({
        ...(number === undefined ? {} : { item: number }),
        title: music.abc?.title ?? music.sequence.source.title ?? '',
        tokens: tokens.join(' '),
        tokenCount: tokens.length,
        distinctTokens: [...new Set(tokens)].sort().join(' '),
        notes: music.sequence.notes.length,
        seconds: music.sequence.totalTime,
        minPitch,
        maxPitch,
      });
    } catch (error) {
      const reason = error instanceof CodecError ? error.message : `cannot encode: ${String(error)}`;
      issues.push({
        file: imported.file,
        ...(number === undefined ? {} : { item: number }),
        severity: 'error',
        reason,
      });
    }
  }
  return { items, issues };
}

/** Splits a stored token string back into tokens. */
export function splitTokens(tokens: string): string[] {
  return tokens === '' ? [] : tokens.split(' ');
}
