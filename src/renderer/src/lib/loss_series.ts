import type { EpochRecord } from '../../../shared/ipc/index.ts';

/** uPlot's aligned data: x (steps), training loss, validation loss (null where a series has no point). */
export type LossData = [number[], (number | null)[], (number | null)[]];

/**
 * The points of a run's loss curves: training loss as progress arrives (one point per new
 * step), validation loss at each epoch's end. Pure bookkeeping; the chart only draws it.
 */
export class LossSeries {
  private readonly train: Array<[number, number]> = [];
  private validation: Array<[number, number]> = [];

  /** Training points so far. */
  get trainPoints(): number {
    return this.train.length;
  }

  /** Adds a training loss at a step (ignored when the step is not new). */
  addTrain(step: number, loss: number | null): boolean {
    if (loss === null || !Number.isFinite(loss)) return false;
    const last = this.train.at(-1);
    if (last && step <= last[0]) return false;
    this.train.push([step, loss]);
    return true;
  }

  /**
   * Sets the validation points from the epoch history, and the training points of earlier
   * runs (their epochs' mean loss; a run continued with "Train more" shows its whole past).
   */
  setEpochs(history: readonly EpochRecord[]): void {
    this.validation = history
      .filter((h): h is EpochRecord & { valLoss: number } => h.valLoss !== null)
      .map((h) => [h.step, h.valLoss]);
    this.earlier = history.filter((h) => Number.isFinite(h.loss)).map((h) => [h.step, h.loss]);
  }

  private earlier: Array<[number, number]> = [];

  /** Training points: the epochs before the first live point, then the live ones. */
  private trainCurve(): Array<[number, number]> {
    const first = this.train[0]?.[0] ?? Infinity;
    return [...this.earlier.filter((p) => p[0] < first), ...this.train];
  }

  /** Both series on one sorted x axis. */
  data(): LossData {
    const curve = this.trainCurve();
    const xs = [...new Set([...curve.map((p) => p[0]), ...this.validation.map((p) => p[0])])].sort(
      (a, b) => a - b,
    );
    const train = new Map(curve);
    const validation = new Map(this.validation);
    return [xs, xs.map((x) => train.get(x) ?? null), xs.map((x) => validation.get(x) ?? null)];
  }
}
