import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { ImportIssue } from '../music/music_item.ts';
import type { FileSummary } from './types.ts';
import { writeJsonAtomic } from '../storage/atomic.ts';

/** Bumped when the layout of a cache entry changes. */
const ENTRY_FORMAT = 2;

/** The token cache directory: `$CONTINUO_CACHE_DIR`, `$XDG_CACHE_HOME/continuo/tokens` or `~/.cache/continuo/tokens`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONTINUO_CACHE_DIR) return env.CONTINUO_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'continuo', 'tokens');
}

/** SHA-256 of a file's bytes, hex. */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const issueSchema = z.object({
  item: z.number().optional(),
  severity: z.enum(['error', 'warning']),
  reason: z.string(),
});

const entrySchema = z.object({
  format: z.literal(ENTRY_FORMAT),
  content: z.string(),
  codec: z.string(),
  items: z.array(
    z.object({
      item: z.number().optional(),
      title: z.string(),
      tokens: z.string(),
      tokenCount: z.number(),
      distinctTokens: z.string(),
      notes: z.number(),
      seconds: z.number(),
      minPitch: z.number().nullable(),
      maxPitch: z.number().nullable(),
    }),
  ),
  issues: z.array(issueSchema),
});

/** Result of a cache lookup: a hit, a miss, or an entry that was there but unreadable. */
export type CacheLookup = { kind: 'hit'; summary: FileSummary } | { kind: 'miss' } | { kind: 'corrupt' };

/**
 * Tokens and figures of imported files on disk, keyed by the file's content hash and the
 * codec's `cacheKey`, so re-opening a dataset skips parsing. Entries are written atomically;
 * a corrupt entry reads as `corrupt` and is simply overwritten by the next `set`.
 */
export class TokenCache {
  constructor(readonly dir: string = defaultCacheDir()) {}

  /** Path of the entry for this content and codec. */
  entryPath(content: string, codecKey: string): string {
    const codecHash = createHash('sha256').update(codecKey).digest('hex').slice(0, 16);
    return path.join(this.dir, content.slice(0, 2), `${content}-${codecHash}.json`);
  }

  /** The cached summary, with issues re-labelled with `file` (the same bytes may sit at another path). */
  async get(content: string, codecKey: string, file: string): Promise<CacheLookup> {
    let text: string;
    try {
      text = await readFile(this.entryPath(content, codecKey), 'utf8');
    } catch {
      return { kind: 'miss' };
    }
    try {
      const entry = entrySchema.parse(JSON.parse(text));
      if (entry.content !== content || entry.codec !== codecKey) return { kind: 'corrupt' };
      const issues: ImportIssue[] = entry.issues.map((issue) => ({ file, ...issue }));
      return { kind: 'hit', summary: { items: entry.items, issues } };
    } catch {
      return { kind: 'corrupt' };
    }
  }

  /** Stores a summary: written to a temp file in the same folder, then renamed into place. */
  async set(content: string, codecKey: string, summary: FileSummary): Promise<void> {
    const target = this.entryPath(content, codecKey);
    await mkdir(path.dirname(target), { recursive: true });
    const entry = {
      format: ENTRY_FORMAT,
      content,
      codec: codecKey,
      items: summary.items,
      issues: summary.issues.map(({ item, severity, reason }) => ({
        ...(item === undefined ? {} : { item }),
        severity,
        reason,
      })),
    };
    await writeJsonAtomic(target, entry, true);
  }
}
