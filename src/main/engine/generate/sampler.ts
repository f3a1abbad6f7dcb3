/**
 * Picks the next token from a model's logits: the token mask first, then temperature, top-k
 * and top-p (nucleus), in that order (as Hugging Face's generate: top-p works on the
 * distribution left after the mask and top-k, renormalised).
 *
 * - Temperature 0 (or topK 1) is argmax: deterministic, ties go to the lowest token id; no
 *   random number is drawn.
 * - Candidates are ranked by logit, ties by lower id, so top-k and top-p cut deterministically
 *   even among equal logits.
 * - Mask: 1 = allowed, 0 = removed. When the mask leaves no token with a finite logit, the
 *   default (`onEmptyMask: 'unmasked'`) samples as if there were no mask and records it in
 *   `TokenSampler.lastMaskIgnored` / `maskIgnoredCount`; `onEmptyMask: 'throw'` throws a
 *   SamplingError instead.
 * - NaN and -Infinity logits are never chosen; +Infinity logits share all the probability.
 * - Softmax subtracts the largest logit first, so large logits do not overflow.
 * Scratch buffers are reused between calls: no allocation per token after the first call.
 * Top-k and top-p use quickselect-style partitioning, not a full sort (O(V) expected).
 */
import type { Rng } from '../random/rng.ts';

/** How to turn logits into one token id. */
export interface SampleOptions {
  /** Softmax temperature, >= 0; 0 = argmax, 1 = the model's own distribution. */
  temperature: number;
  /** Keep only the k highest logits; 0 or undefined = no limit. */
  topK?: number;
  /** Keep the smallest set of best tokens whose probability reaches p, 0 < p <= 1; undefined or 1 = all. */
  topP?: number;
  /** Allowed tokens (1) and removed ones (0): length V, or B * V for a batch with one mask per row. */
  mask?: Uint8Array;
  /** What to do when the mask leaves nothing: sample unmasked (default, flagged) or throw. */
  onEmptyMask?: 'unmasked' | 'throw';
}

/** Thrown for invalid options or logits that leave nothing to sample. */
export class SamplingError extends Error {
  override name = 'SamplingError';
}

/** Ids are packed below the logit rank in one float64 key (32 + 21 bits: exact below 2^53). */
const ID_SCALE = 2 ** 21;
const MAX_RANKED_VOCAB = ID_SCALE;
/** Ranges this short are insertion-sorted rather than partitioned. */
const SMALL_RANGE = 16;

/** The token id packed in a rank key (exact: scaling by a power of two; faster than `%` on doubles). */
function idOfKey(key: number): number {
  return key - Math.floor(key / ID_SCALE) * ID_SCALE;
}

/** The middle value of three. */
function medianOfThree(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : a < c ? c : a;
  return a < c ? a : b < c ? c : b;
}

/** Checks options once per call; cheap compared with the sampling itself. */
function checkOptions(options: SampleOptions): void {
  const { temperature, topK, topP } = options;
  if (!(temperature >= 0) || !Number.isFinite(temperature))
    throw new SamplingError(`temperature must be a finite number >= 0, got ${temperature}`);
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 0))
    throw new SamplingError(`topK must be an integer >= 0, got ${topK}`);
  if (topP !== undefined && !(topP > 0 && topP <= 1))
    throw new SamplingError(`topP must be in (0, 1], got ${topP}`);
}

/** A sampler with its own scratch buffers; keep one per generation loop. */
export class TokenSampler {
  /** True when the last sample had to ignore its mask because the mask left nothing. */
  lastMaskIgnored = false;
  /** How many samples so far ignored their mask. */
  maskIgnoredCount = 0;

  private indices = new Int32Array(0);
  private max = -Infinity;
  private argmax = -1;
  private weights = new Float64Array(0);
  private keys = new Float64Array(0);
  private readonly bitsF32 = new Float32Array(1);
  private readonly bitsU32 = new Uint32Array(this.bitsF32.buffer);

  /** One token id from `logits` (length V). */
  sample(logits: Float32Array, options: SampleOptions, rng: Rng): number {
    checkOptions(options);
    const mask = options.mask;
    if (mask && mask.length !== logits.length)
      throw new SamplingError(`mask length ${mask.length} differs from the vocabulary size ${logits.length}`);
    return this.sampleRow(logits, 0, logits.length, mask, 0, options, rng);
  }

  /**
   * One token id per row of row-major [batchSize, V] logits, written to `out` (allocated when
   * not given). The mask is shared (length V) or per row (length batchSize * V).
   */
  sampleBatch(
    logits: Float32Array,
    batchSize: number,
    options: SampleOptions,
    rng: Rng,
    out: Int32Array = new Int32Array(batchSize),
  ): Int32Array {
    checkOptions(options);
    if (!Number.isInteger(batchSize) || batchSize < 1 || logits.length % batchSize !== 0)
      throw new SamplingError(`logits length ${logits.length} is not a multiple of batch size ${batchSize}`);
    if (out.length < batchSize) throw new SamplingError(`out has ${out.length} slots for ${batchSize} rows`);
    const vocabSize = logits.length / batchSize;
    const mask = options.mask;
    const perRowMask = mask !== undefined && mask.length === logits.length && batchSize > 1;
    if (mask && !perRowMask && mask.length !== vocabSize)
      throw new SamplingError(
        `mask length ${mask.length} is neither V (${vocabSize}) nor B * V (${logits.length})`,
      );
    let ignored = false;
    for (let row = 0; row < batchSize; row++) {
      out[row] = this.sampleRow(
        logits,
        row * vocabSize,
        vocabSize,
        mask,
        perRowMask ? row * vocabSize : 0,
        options,
        rng,
      );
      ignored ||= this.lastMaskIgnored;
    }
    this.lastMaskIgnored = ignored;
    return out;
  }

  private ensureCapacity(vocabSize: number): void {
    if (this.indices.length >= vocabSize) return;
    this.indices = new Int32Array(vocabSize);
    this.weights = new Float64Array(vocabSize);
    this.keys = new Float64Array(vocabSize);
  }

  /**
   * Collects candidate ids (allowed, logit not NaN or -Infinity) into `indices` and their best
   * logit into `max` / `argmax`; returns their count.
   */
  private collect(
    logits: Float32Array,
    base: number,
    vocabSize: number,
    mask: Uint8Array | undefined,
    maskBase: number,
  ): number {
    const indices = this.indices;
    let n = 0;
    let max = -Infinity;
    let argmax = -1;
    for (let i = 0; i < vocabSize; i++) {
      if (mask !== undefined && mask[maskBase + i] === 0) continue;
      const x = logits[base + i];
      if (x > -Infinity) {
        indices[n++] = i;
        // Strictly greater: among equal logits the lowest id wins.
        if (x > max) {
          max = x;
          argmax = i;
        }
      }
    }
    this.max = max;
    this.argmax = argmax;
    return n;
  }

  private sampleRow(
    logits: Float32Array,
    base: number,
    vocabSize: number,
    mask: Uint8Array | undefined,
    maskBase: number,
    options: SampleOptions,
    rng: Rng,
  ): number {
    this.ensureCapacity(vocabSize);
    this.lastMaskIgnored = false;
    let n = this.collect(logits, base, vocabSize, mask, maskBase);
    if (n === 0 && mask !== undefined) {
      if (options.onEmptyMask === 'throw')
        throw new SamplingError('the token mask leaves no token with a finite logit');
      this.lastMaskIgnored = true;
      this.maskIgnoredCount++;
      n = this.collect(logits, base, vocabSize, undefined, 0);
    }
    if (n === 0) throw new SamplingError('every logit is NaN or -Infinity: nothing to sample');

    const max = this.max;
    const argmax = this.argmax;
    const temperature = options.temperature;
    const topK = options.topK ?? 0;
    if (temperature === 0 || topK === 1) return argmax;
    if (max === Infinity) return this.sampleInfinite(logits, base, n, topK, rng);

    const topP = options.topP ?? 1;
    const inverseT = 1 / temperature;
    // A temperature so small that 1 / T overflows is argmax in the limit (and 0 * Infinity would be NaN).
    if (inverseT === Infinity) return argmax;
    if (!((topK > 0 && topK < n) || topP < 1)) return this.sampleAll(logits, base, n, max, inverseT, rng);

    if (vocabSize > MAX_RANKED_VOCAB)
      throw new SamplingError(
        `vocabulary of ${vocabSize} tokens is too large for top-k / top-p (max ${MAX_RANKED_VOCAB})`,
      );
    this.packCandidates(logits, base, n);
    const kept = topK > 0 && topK < n ? topK : n;
    if (kept < n) this.selectBest(n, kept);
    // Softmax weights only for the kept tokens, relative to the best logit (every exponent <= 0).
    for (let j = 0; j < kept; j++) {
      this.weights[j] = Math.exp((logits[base + idOfKey(this.keys[j])] - max) * inverseT);
    }
    const count = topP < 1 ? this.nucleus(kept, topP) : kept;

    const keys = this.keys;
    const weights = this.weights;
    let total = 0;
    for (let j = 0; j < count; j++) total += weights[j];
    const u = rng.next() * total;
    let cumulative = 0;
    for (let j = 0; j < count - 1; j++) {
      cumulative += weights[j];
      if (u < cumulative) return idOfKey(keys[j]);
    }
    return idOfKey(keys[count - 1]);
  }

  /** Plain softmax sampling over the n candidates in `indices` (no top-k / top-p). */
  private sampleAll(
    logits: Float32Array,
    base: number,
    n: number,
    max: number,
    inverseT: number,
    rng: Rng,
  ): number {
    const indices = this.indices;
    const weights = this.weights;
    let total = 0;
    for (let j = 0; j < n; j++) {
      // Relative to the best logit, so every exponent is <= 0: no overflow.
      const w = Math.exp((logits[base + indices[j]] - max) * inverseT);
      weights[j] = w;
      total += w;
    }
    const u = rng.next() * total;
    let cumulative = 0;
    for (let j = 0; j < n - 1; j++) {
      cumulative += weights[j];
      if (u < cumulative) return indices[j];
    }
    return indices[n - 1];
  }

  /**
   * Fills `keys` for the n candidates. A key packs the rank in one float64 (high part: logit
   * descending, low part: id ascending), so keys are distinct, smaller is better, and ties
   * between equal logits always break towards the lower id.
   */
  private packCandidates(logits: Float32Array, base: number, n: number): void {
    const { indices, keys, bitsF32: f32, bitsU32: u32 } = this;
    for (let j = 0; j < n; j++) {
      const id = indices[j];
      const x = logits[base + id];
      f32[0] = x + 0; // + 0 turns -0 into +0, so -0 and 0 tie
      const bits = u32[0];
      // Order-preserving map of float bits to an unsigned integer (negative floats reversed).
      const sortable = bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
      keys[j] = (0xffffffff - sortable) * ID_SCALE + id;
    }
  }

  private swap(i: number, j: number): void {
    const keys = this.keys;
    const weights = this.weights;
    const k = keys[i];
    keys[i] = keys[j];
    keys[j] = k;
    const w = weights[i];
    weights[i] = weights[j];
    weights[j] = w;
  }

  /** Quickselect (Hoare) on keys only: afterwards [0, k) hold the k best keys, in no order. O(n) expected. */
  private selectBest(n: number, k: number): void {
    const keys = this.keys;
    const target = k - 1;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const pivot = medianOfThree(keys[lo], keys[(lo + hi) >>> 1], keys[hi]);
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (keys[i] < pivot) i++;
        while (keys[j] > pivot) j--;
        if (i <= j) {
          const k = keys[i];
          keys[i++] = keys[j];
          keys[j--] = k;
        }
      }
      if (target <= j) hi = j;
      else if (target >= i) lo = i;
      else break;
    }
  }

  /**
   * Rearranges positions [0, m) so the nucleus (the best-ranked tokens whose weights first
   * reach topP of the total) comes first, and returns its size. A partial quicksort: only
   * the part holding the boundary is split further, O(m) expected.
   */
  private nucleus(m: number, topP: number): number {
    const keys = this.keys;
    const weights = this.weights;
    let total = 0;
    for (let j = 0; j < m; j++) total += weights[j];
    const target = topP * total;
    // Invariant: [0, lo) is in the nucleus with mass `included` < target; the boundary is in [lo, hi).
    let lo = 0;
    let hi = m;
    let included = 0;
    while (hi - lo > SMALL_RANGE) {
      // Lomuto partition around a median-of-three pivot, parked at hi - 1 and then put at `split`.
      const mid = (lo + hi) >>> 1;
      const pivot = medianOfThree(keys[lo], keys[mid], keys[hi - 1]);
      const at = keys[lo] === pivot ? lo : keys[mid] === pivot ? mid : hi - 1;
      this.swap(at, hi - 1);
      let split = lo;
      let better = 0;
      for (let j = lo; j < hi - 1; j++) {
        if (keys[j] < pivot) {
          better += weights[j];
          this.swap(j, split++);
        }
      }
      this.swap(split, hi - 1);
      if (included + better >= target) hi = split;
      else {
        included += better + weights[split];
        lo = split + 1;
        if (included >= target) return lo;
      }
    }
    // Few left: insertion-sort them and walk to the boundary.
    for (let j = lo + 1; j < hi; j++)
      for (let i = j; i > lo && keys[i - 1] > keys[i]; i--) this.swap(i - 1, i);
    for (let j = lo; j < hi; j++) {
      included += weights[j];
      if (included >= target) return j + 1;
    }
    // Rounding left the sum a hair short of the target: keep everything.
    return hi;
  }

  /** Limit case: +Infinity logits take all the probability, shared equally (lowest ids first under top-k). */
  private sampleInfinite(logits: Float32Array, base: number, n: number, topK: number, rng: Rng): number {
    const indices = this.indices;
    let m = 0;
    for (let j = 0; j < n; j++) if (logits[base + indices[j]] === Infinity) indices[m++] = indices[j];
    if (topK > 0 && topK < m) m = topK;
    return indices[rng.nextInt(m)];
  }
}

const sharedSampler = new TokenSampler();

/**
 * One token id from `logits` (length V); see the module comment for the rules. Uses a shared
 * TokenSampler: create your own to read `lastMaskIgnored` reliably.
 */
export function sampleToken(logits: Float32Array, options: SampleOptions, rng: Rng): number {
  return sharedSampler.sample(logits, options, rng);
}

/** One token id per row of row-major [batchSize, V] logits; see `TokenSampler.sampleBatch`. */
export function sampleBatch(
  logits: Float32Array,
  batchSize: number,
  options: SampleOptions,
  rng: Rng,
  out?: Int32Array,
): Int32Array {
  return sharedSampler.sampleBatch(logits, batchSize, options, rng, out);
}

/** Whether the last `sampleToken` / `sampleBatch` call had to ignore its mask. */
export function lastSampleIgnoredMask(): boolean {
  return sharedSampler.lastMaskIgnored;
}
