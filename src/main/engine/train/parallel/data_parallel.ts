import type { Worker } from 'node:worker_threads';
import type { BackendName } from '../../model/backend.ts';
import type { DropoutDraw, TokenModel, TrainOptions } from '../../model/token_model.ts';
import { bundledWorkerEntry } from '../../runtime/bundled_entry.ts';
import { hasWorkerEntryResolver, startWorker } from '../../runtime/worker_script.ts';
import { flatLayout, flatViews, type FlatLayout } from './flat_weights.ts';
import type { FromGradWorker, ToGradWorker } from './protocol.ts';

/**
 * Data-parallel training on two cores: the training thread and one worker thread each run
 * half of every batch through the fast LSTM (each on its own TensorFlow.js backend), the
 * worker's gradients come back through shared memory, the two halves are averaged (weighted
 * by their rows) and one Adam step updates the model; the new weights go to the worker
 * through shared memory too. The dropout masks of a row do not depend on the split
 * (`DropoutDraw.rowOffset`), so the result equals one thread's within float rounding.
 *
 * With the worker paused (the studio is generating or jamming) or gone, the training thread
 * computes both halves itself: the same sums, so the run goes on unchanged, only slower.
 */

const WORKER_ENTRY = new URL('./grad_worker.ts', import.meta.url);

/**
 * How the trainer picks between one and two threads when both are allowed: the two give the
 * same sums, so it may switch at any step. It times a few steps of each, keeps the faster, and
 * tries the other again now and then, since a busy machine (other programs on the second
 * core) can make two threads slower than one.
 */
const PROBE_STEPS = 2;
const REPROBE_EVERY = 40;

/** Rows each thread computed so far (tests check both worked). */
export interface ParallelCounters {
  coordinatorRows: number;
  workerRows: number;
  /** Steps the worker sat out (paused, or gone). */
  soloSteps: number;
}

/** Runs training steps of one model, on one or two threads. */
export class DataParallelTrainer {
  readonly counters: ParallelCounters = { coordinatorRows: 0, workerRows: 0, soloSteps: 0 };
  private readonly layout: FlatLayout;
  private readonly sharedWeights: Record<string, Float32Array>;
  private readonly sharedGrads: Record<string, Float32Array>;
  private worker: Worker | null = null;
  private pending: ((message: FromGradWorker) => void) | null = null;
  private weightsStale = true;
  private paused = false;
  /** Choose the thread count by timing (see PROBE_STEPS); false: always two when possible. */
  private readonly adaptive: boolean;
  private stepsDone = 0;
  private readonly seconds = { solo: [] as number[], duo: [] as number[] };
  private preferSolo = false;

  private constructor(
    private readonly model: TokenModel,
    private readonly onLog: (message: string) => void,
    adaptive: boolean,
  ) {
    this.adaptive = adaptive;
    this.layout = flatLayout(model.config);
    const bytes = this.layout.total * Float32Array.BYTES_PER_ELEMENT;
    this.sharedWeights = flatViews(this.layout, new Float32Array(new SharedArrayBuffer(bytes)));
    this.sharedGrads = flatViews(this.layout, new Float32Array(new SharedArrayBuffer(bytes)));
  }

  /**
   * A trainer for `model` on `threads` threads (1 or 2; more are capped at 2). A worker that
   * cannot start is logged and the run goes on one thread.
   */
  static async start(
    model: TokenModel,
    options: {
      threads: number;
      backend: BackendName;
      onLog?: (message: string) => void;
      /** Time one and two threads and use the faster (default true). */
      adaptive?: boolean;
    },
  ): Promise<DataParallelTrainer> {
    const trainer = new DataParallelTrainer(
      model,
      options.onLog ?? (() => undefined),
      options.adaptive ?? true,
    );
    if (options.threads >= 2) await trainer.startWorker(options.backend);
    return trainer;
  }

  /** Threads training may use now (2 with a live, unpaused worker). */
  get threads(): number {
    return this.worker && !this.paused ? 2 : 1;
  }

  /** Whether the next step uses the worker: not paused, and (adaptive) the faster choice or a probe. */
  private useWorker(): boolean {
    if (!this.worker || this.paused) return false;
    if (!this.adaptive) return true;
    const n = this.stepsDone;
    // Step 0 warms up; then PROBE_STEPS on two threads, PROBE_STEPS on one.
    if (n <= PROBE_STEPS) return true;
    if (n <= 2 * PROBE_STEPS) return false;
    const sinceProbe = n % REPROBE_EVERY;
    if (sinceProbe < PROBE_STEPS) return this.preferSolo;
    return !this.preferSolo;
  }

  /** Records a step's wall time and settles which choice is faster. */
  private recordTime(duo: boolean, seconds: number): void {
    const n = this.stepsDone++;
    if (!this.adaptive || n === 0) return;
    const list = duo ? this.seconds.duo : this.seconds.solo;
    list.push(seconds);
    if (list.length > 2 * PROBE_STEPS) list.shift();
    if (this.seconds.duo.length === 0 || this.seconds.solo.length === 0) return;
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const preferSolo = median(this.seconds.solo) < median(this.seconds.duo);
    if (preferSolo !== this.preferSolo && n > 2 * PROBE_STEPS)
      this.onLog(
        preferSolo
          ? 'Training on one core: the second core is busy (two threads were slower)'
          : 'Training on both cores again',
      );
    this.preferSolo = preferSolo;
  }

  /** Pauses or resumes the worker between steps (the training thread goes on alone meanwhile). */
  setWorkerPaused(paused: boolean): void {
    this.paused = paused;
  }

  private async startWorker(backend: BackendName): Promise<void> {
    try {
      const entry = hasWorkerEntryResolver()
        ? WORKER_ENTRY
        : ((await bundledWorkerEntry(WORKER_ENTRY)) ?? WORKER_ENTRY);
      const worker = startWorker(entry);
      worker.on('message', (message: FromGradWorker) => {
        const resolve = this.pending;
        this.pending = null;
        resolve?.(message);
      });
      worker.on('error', (error) => this.lose(`the second training thread failed (${error.message})`));
      worker.on('exit', (code) => this.lose(`the second training thread ended (exit code ${code})`));
      this.worker = worker;
      const ready = await this.ask({
        type: 'init',
        config: this.model.config,
        backend,
        weights: this.sharedWeights[this.layout.names[0]].buffer as SharedArrayBuffer,
        grads: this.sharedGrads[this.layout.names[0]].buffer as SharedArrayBuffer,
      });
      if (ready.type !== 'ready') throw new Error(ready.type === 'error' ? ready.message : 'no answer');
    } catch (error) {
      this.lose(`training goes on one thread: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Forgets a dead or failed worker (a step waiting for it is answered with an error). */
  private lose(why: string): void {
    if (!this.worker) return;
    const worker = this.worker;
    this.worker = null;
    void worker.terminate();
    this.onLog(`Training on one core: ${why}`);
    const resolve = this.pending;
    this.pending = null;
    resolve?.({ type: 'error', message: why });
  }

  private ask(message: ToGradWorker): Promise<FromGradWorker> {
    const worker = this.worker;
    if (!worker) return Promise.resolve({ type: 'error', message: 'no worker' });
    return new Promise((resolve) => {
      this.pending = resolve;
      worker.postMessage(message);
    });
  }

  /**
   * One optimisation step on a [B, T] batch: forward and backward of both halves in
   * parallel, weighted average of the gradients, clipping and Adam. Resolves with the mean loss.
   */
  async trainStep(
    inputs: Int32Array,
    targets: Int32Array,
    batchSize: number,
    options: TrainOptions = {},
  ): Promise<number> {
    if (batchSize < 2 || inputs.length % batchSize !== 0) {
      const loss = this.model.trainStep(inputs, targets, batchSize, options);
      this.counters.coordinatorRows += batchSize;
      this.weightsStale = true;
      return loss;
    }
    const steps = inputs.length / batchSize;
    const ownRows = Math.ceil(batchSize / 2);
    const otherRows = batchSize - ownRows;
    const cut = ownRows * steps;
    const draw = this.model.nextDropoutDraw();
    const otherDraw: DropoutDraw = { seed: draw.seed, rowOffset: ownRows };
    const otherInputs = inputs.slice(cut);
    const otherTargets = targets.slice(cut);
    let answer: Promise<FromGradWorker> | null = null;
    const started = performance.now();
    const duo = this.useWorker();
    if (duo) {
      if (this.weightsStale) this.publishWeights();
      answer = this.ask({
        type: 'step',
        inputs: otherInputs,
        targets: otherTargets,
        rows: otherRows,
        draw: otherDraw,
        reloadWeights: this.weightsStale,
      });
      this.weightsStale = false;
    }
    const own = this.model.lossAndGradientData(
      inputs.subarray(0, cut),
      targets.subarray(0, cut),
      ownRows,
      draw,
    );
    this.counters.coordinatorRows += ownRows;
    let otherLoss: number;
    let otherGrads: Record<string, Float32Array>;
    const reply = answer ? await answer : null;
    if (reply?.type === 'done') {
      otherLoss = reply.loss;
      otherGrads = this.sharedGrads;
      this.counters.workerRows += otherRows;
    } else {
      if (reply?.type === 'error') this.lose(reply.message);
      // The same half on this thread: the same sums, one core.
      const other = this.model.lossAndGradientData(otherInputs, otherTargets, otherRows, otherDraw);
      otherLoss = other.loss;
      otherGrads = other.grads;
      this.counters.coordinatorRows += otherRows;
      this.counters.soloSteps++;
    }
    // The weighted average of the halves, read before the worker's next step overwrites them.
    const a = ownRows / batchSize;
    const b = otherRows / batchSize;
    const grads: Record<string, Float32Array> = {};
    for (const name of this.layout.names) {
      const mine = own.grads[name];
      const theirs = otherGrads[name];
      const sum = new Float32Array(mine.length);
      for (let i = 0; i < sum.length; i++) sum[i] = mine[i] * a + theirs[i] * b;
      grads[name] = sum;
    }
    const loss = a * own.loss + b * otherLoss;
    this.model.applyGradientData(grads, loss, options);
    this.weightsStale = true;
    this.recordTime(duo && reply?.type === 'done', (performance.now() - started) / 1000);
    return loss;
  }

  /** Copies the model's current weights into shared memory for the worker. */
  private publishWeights(): void {
    this.model.copyWeightsInto(this.sharedWeights);
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.pending = null;
    if (worker) {
      worker.removeAllListeners('exit');
      await worker.terminate();
    }
  }
}
