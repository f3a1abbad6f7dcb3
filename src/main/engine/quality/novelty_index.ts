/**
 * A compact index of a training set's 8-note n-grams (pitch intervals + durations of the melody
 * line), so a model can say how much of what it writes it copied, without the data:
 * one 32-bit hash per n-gram, sorted, with the piece and position it came from (12 bytes per
 * training note; Nottingham jigs: ~0.3 MB, MAESTRO 2004: ~5 MB).
 *
 * File (`novelty-index.bin`, little-endian): "CNVI", format version (u32), entry count (u32),
 * byte length of the piece names' JSON (u32), that JSON (UTF-8, zero-padded to 4 bytes), then
 * the hashes, the piece numbers and the positions (u32 arrays of the entry count).
 */
import type { LineNote } from './melody.ts';

/** Notes per n-gram. */
export const NGRAM_NOTES = 8;

const MAGIC = 0x49564e43; // "CNVI"
const FORMAT_VERSION = 1;

/** Thrown for an index file that cannot be read. */
export class NoveltyIndexError extends Error {
  override name = 'NoveltyIndexError';
}

/** FNV-1a over the n-gram's 7 intervals and 8 durations. */
function ngramHash(line: readonly LineNote[], at: number): number {
  let hash = 0x811c9dc5;
  const mix = (value: number): void => {
    hash ^= value & 0xffff;
    hash = Math.imul(hash, 0x01000193);
    hash ^= value >>> 16;
    hash = Math.imul(hash, 0x01000193);
  };
  for (let i = at; i < at + NGRAM_NOTES; i++) {
    mix(i === at ? 0 : (line[i].pitch - line[i - 1].pitch + 256) & 0xffff);
    mix(line[i].duration);
  }
  return hash >>> 0;
}

/** The hash of every n-gram of a line, in order (empty when it has fewer than 8 notes). */
export function lineHashes(line: readonly LineNote[]): Uint32Array {
  const out = new Uint32Array(Math.max(0, line.length - NGRAM_NOTES + 1));
  for (let i = 0; i < out.length; i++) out[i] = ngramHash(line, i);
  return out;
}

/** What the index says about one line. */
export interface LineNovelty {
  /** N-grams in the line. */
  ngrams: number;
  /** Of those, how many occur somewhere in the training set. */
  found: number;
  /** Longest run of notes copied from one training piece (0 when no 8 notes are), and that piece. */
  longestRun: { notes: number; piece: string | null };
}

/** A training piece for the index. */
export interface IndexPiece {
  name: string;
  line: readonly LineNote[];
}

export class NoveltyIndex {
  private constructor(
    private readonly hashes: Uint32Array,
    private readonly pieceOf: Uint32Array,
    private readonly positionOf: Uint32Array,
    readonly pieceNames: readonly string[],
  ) {}

  /** N-grams in the index. */
  get size(): number {
    return this.hashes.length;
  }

  static build(pieces: readonly IndexPiece[]): NoveltyIndex {
    const perPiece = pieces.map((piece) => lineHashes(piece.line));
    const total = perPiece.reduce((n, h) => n + h.length, 0);
    // One 64-bit key per entry (hash, entry number): a numeric sort orders entries by hash.
    const keys = new BigUint64Array(total);
    const pieceOf = new Uint32Array(total);
    const positionOf = new Uint32Array(total);
    let entry = 0;
    perPiece.forEach((hashes, piece) => {
      for (let pos = 0; pos < hashes.length; pos++, entry++) {
        keys[entry] = (BigInt(hashes[pos]) << 32n) | BigInt(entry);
        pieceOf[entry] = piece;
        positionOf[entry] = pos;
      }
    });
    keys.sort();
    const hashes = new Uint32Array(total);
    const sortedPiece = new Uint32Array(total);
    const sortedPosition = new Uint32Array(total);
    for (let i = 0; i < total; i++) {
      const from = Number(keys[i] & 0xffffffffn);
      hashes[i] = Number(keys[i] >> 32n);
      sortedPiece[i] = pieceOf[from];
      sortedPosition[i] = positionOf[from];
    }
    return new NoveltyIndex(
      hashes,
      sortedPiece,
      sortedPosition,
      pieces.map((p) => p.name),
    );
  }

  /** First entry whose hash is >= `hash`. */
  private lowerBound(hash: number): number {
    let lo = 0;
    let hi = this.hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.hashes[mid] < hash) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Share found and the longest run copied from one piece (consecutive n-grams at consecutive places). */
  novelty(line: readonly LineNote[]): LineNovelty {
    const hashes = lineHashes(line);
    let found = 0;
    let bestLength = 0;
    let bestPiece = -1;
    // Run length (in n-grams) ending at the previous n-gram, by (piece, position) of its match.
    let previous = new Map<number, number>();
    for (const hash of hashes) {
      const current = new Map<number, number>();
      for (let e = this.lowerBound(hash); e < this.hashes.length && this.hashes[e] === hash; e++) {
        const piece = this.pieceOf[e];
        const position = this.positionOf[e];
        const length = (previous.get(piece * 2 ** 32 + position - 1) ?? 0) + 1;
        current.set(piece * 2 ** 32 + position, length);
        if (length > bestLength) {
          bestLength = length;
          bestPiece = piece;
        }
      }
      if (current.size > 0) found++;
      previous = current;
    }
    return {
      ngrams: hashes.length,
      found,
      longestRun: {
        notes: bestLength > 0 ? bestLength + NGRAM_NOTES - 1 : 0,
        piece: bestPiece >= 0 ? this.pieceNames[bestPiece] : null,
      },
    };
  }

  toBytes(): Uint8Array {
    const names = new TextEncoder().encode(JSON.stringify(this.pieceNames));
    const padded = Math.ceil(names.length / 4) * 4;
    const count = this.hashes.length;
    const bytes = new Uint8Array(16 + padded + 12 * count);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, FORMAT_VERSION, true);
    view.setUint32(8, count, true);
    view.setUint32(12, names.length, true);
    bytes.set(names, 16);
    let at = 16 + padded;
    for (const array of [this.hashes, this.pieceOf, this.positionOf]) {
      for (let i = 0; i < count; i++, at += 4) view.setUint32(at, array[i], true);
    }
    return bytes;
  }

  static fromBytes(bytes: Uint8Array, where = 'novelty index'): NoveltyIndex {
    const fail = (why: string): never => {
      throw new NoveltyIndexError(`${where}: ${why}`);
    };
    if (bytes.length < 16) fail('file too short');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== MAGIC) fail('not a Continuo novelty index');
    if (view.getUint32(4, true) !== FORMAT_VERSION)
      fail(`format version ${view.getUint32(4, true)} is not known to this Continuo`);
    const count = view.getUint32(8, true);
    const nameBytes = view.getUint32(12, true);
    const padded = Math.ceil(nameBytes / 4) * 4;
    if (bytes.length !== 16 + padded + 12 * count) fail('file size does not match its header (damaged?)');
    let names: unknown;
    try {
      names = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + nameBytes)));
    } catch {
      fail('piece names are damaged');
    }
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) fail('piece names are damaged');
    const arrays = [0, 1, 2].map((k) => {
      const out = new Uint32Array(count);
      const base = 16 + padded + 4 * count * k;
      for (let i = 0; i < count; i++) out[i] = view.getUint32(base + 4 * i, true);
      return out;
    });
    const pieceNames = names as string[];
    for (let i = 0; i < count; i++) {
      if (i > 0 && arrays[0][i] < arrays[0][i - 1]) fail('hashes out of order (damaged?)');
      if (arrays[1][i] >= pieceNames.length) fail('piece number out of range (damaged?)');
    }
    return new NoveltyIndex(arrays[0], arrays[1], arrays[2], pieceNames);
  }
}
