/** Summary of recorded frames, milliseconds. */
export interface FrameSummary {
  frames: number;
  p50: number;
  p95: number;
  max: number;
  /** Mean time drawing alone. */
  meanDraw: number;
  /** Frames that drew the grid and the notes (a full redraw of the roll). */
  fullDraws: number;
  /** performance.now() at the end of the last full draw. */
  lastFullDrawAt: number;
  /** Notes drawn by the last full draw. */
  lastNotesDrawn: number;
}

const CAPACITY = 4096;

/**
 * The work of each frame: input handling since the last frame plus drawing, timed with
 * performance.now (headless requestAnimationFrame ticks at a fixed rate, so frame intervals
 * say nothing). Feeds the editor benchmark and the test hook.
 */
export class FrameStats {
  #work = new Float64Array(CAPACITY);
  #draw = new Float64Array(CAPACITY);
  #count = 0;
  #pendingInput = 0;
  #fullDraws = 0;
  #lastFullDrawAt = 0;
  #lastNotesDrawn = 0;

  /** Runs an input handler and adds its time to the next frame's work. */
  measureInput<T>(handler: () => T): T {
    const start = performance.now();
    try {
      return handler();
    } finally {
      this.#pendingInput += performance.now() - start;
    }
  }

  /** Records a drawn frame. */
  recordFrame(drawMs: number, full: boolean, notesDrawn: number): void {
    const slot = this.#count % CAPACITY;
    this.#work[slot] = drawMs + this.#pendingInput;
    this.#draw[slot] = drawMs;
    this.#count++;
    this.#pendingInput = 0;
    if (full) {
      this.#fullDraws++;
      this.#lastFullDrawAt = performance.now();
      this.#lastNotesDrawn = notesDrawn;
    }
  }

  reset(): void {
    this.#count = 0;
    this.#pendingInput = 0;
  }

  summary(): FrameSummary {
    const n = Math.min(this.#count, CAPACITY);
    const work = Array.from(this.#work.subarray(0, n)).sort((a, b) => a - b);
    const pick = (q: number) => (n === 0 ? 0 : work[Math.min(n - 1, Math.floor(q * n))]);
    let draw = 0;
    for (let i = 0; i < n; i++) draw += this.#draw[i];
    return {
      frames: this.#count,
      p50: pick(0.5),
      p95: pick(0.95),
      max: n === 0 ? 0 : work[n - 1],
      meanDraw: n === 0 ? 0 : draw / n,
      fullDraws: this.#fullDraws,
      lastFullDrawAt: this.#lastFullDrawAt,
      lastNotesDrawn: this.#lastNotesDrawn,
    };
  }
}
