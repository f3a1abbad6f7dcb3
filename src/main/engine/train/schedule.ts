/**
 * Learning-rate schedule: linear warm-up to the peak rate over `warmupSteps`, then
 * inverse-square-root decay (rate = peak * sqrt(warmup / step)), floored at 5 % of the peak.
 *
 * Why this shape: it depends only on the global step, not on the planned number of epochs, so
 * resuming a run with more epochs continues the very same curve (a cosine schedule would have
 * to be stretched). The warm-up keeps Adam's first, noisy moment estimates from throwing the
 * freshly initialised LSTM far off.
 */

/** Lowest rate, as a fraction of the peak. */
export const MIN_RATE_FRACTION = 0.05;

/** Learning rate for optimisation step `step` (0-based). */
export function learningRateAt(step: number, peak: number, warmupSteps: number): number {
  const n = step + 1;
  const warm = Math.max(1, Math.floor(warmupSteps));
  const factor = n <= warm ? n / warm : Math.sqrt(warm / n);
  return peak * Math.max(MIN_RATE_FRACTION, factor);
}
