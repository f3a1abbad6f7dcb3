/**
 * The ABC grammar's structural masks by state signature (`AbcGrammarState.structureSignature`):
 * the structural part of the mask depends only on what the signature holds, and tunes revisit
 * the same states (bar position, open construct, repeat state...), so most steps cost a
 * signature and a lookup instead of a completion check per token. A signature is a few small
 * integers, hashed and compared whole (no string keys). Bounded: past the limit it starts over.
 */

/** Values by integer signature, shared by every state of one grammar and options. */
export class SignatureCache<T> {
  private readonly buckets = new Map<number, { signature: Int32Array; value: T }[]>();
  private count = 0;
  /** Lookups answered from the cache, and those that had to be computed (for the benchmark). */
  hits = 0;
  misses = 0;

  constructor(private readonly limit = 1 << 14) {}

  /** The value stored for `signature`, or undefined (counted as a miss: `set` should follow). */
  get(signature: Int32Array): T | undefined {
    const bucket = this.buckets.get(hash(signature));
    if (bucket)
      for (const entry of bucket)
        if (equal(entry.signature, signature)) {
          this.hits++;
          return entry.value;
        }
    this.misses++;
    return undefined;
  }

  /** Stores `value` for a copy of `signature`. */
  set(signature: Int32Array, value: T): void {
    if (this.count >= this.limit) {
      this.buckets.clear();
      this.count = 0;
    }
    const h = hash(signature);
    const entry = { signature: Int32Array.from(signature), value };
    const bucket = this.buckets.get(h);
    if (bucket) bucket.push(entry);
    else this.buckets.set(h, [entry]);
    this.count++;
  }

  get size(): number {
    return this.count;
  }
}

/** FNV-1a over the integers, kept to 30 bits (a small integer key for the Map). */
function hash(signature: Int32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < signature.length; i++) h = Math.imul(h ^ signature[i], 0x01000193);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

function equal(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
