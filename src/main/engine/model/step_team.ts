import { Worker } from 'node:worker_threads';
import type { SharedKernel } from './step_kernel.ts';

/**
 * Runs one phase of kernel calls ("jobs") at a time, on the calling thread and, when asked
 * for, on one helper worker thread sharing the kernels' WebAssembly memory: the jobs of a
 * phase are independent (disjoint panels of a product, or one stream's gates), and both
 * threads claim them one by one from a shared counter, so the caller never waits for a job
 * nobody has started. Each job runs the same code on the same inputs whichever thread takes
 * it, so results are bit-identical with or without the helper.
 *
 * The helper spins between phases (a generation step is ~40 us, too short for a sleep and a
 * wake-up) and sleeps after ~2 ms without work. When it falls behind (the second core is
 * busy: the caller waited long for a job it had claimed), the team runs alone for a while.
 */

/** Words per job: function id, then up to six i32 arguments. */
export const JOB_WORDS = 7;
/** Jobs per phase (the count is packed in 8 bits of the claim word). */
export const MAX_JOBS = 255;
/**
 * Control words before the job table: claim word, done count, stop flag, helper-sleeps flag,
 * each on its own 64-byte cache line (a spinning reader must not share a line with the table).
 */
const HEADER = 64;
/** Bytes of shared memory the team needs. */
export const TEAM_BYTES = (HEADER + JOB_WORDS * MAX_JOBS) * 4;
const [CLAIM, DONE, STOP, ASLEEP, HELPED] = [0, 16, 32, 48, 49];

/** A wait for the helper longer than this (ms) counts as a stall. */
const STALL_MS = 0.5;
/** Phases run alone after a first stall, before trying the helper again (doubles per stall). */
const SOLO_PHASES = 4000;
/** Threaded phases between two checks of the helper's share of the jobs. */
const CHECK_PHASES = 256;
/** Below this share of the jobs the helper is not getting a core: run alone for a while. */
const MIN_SHARE = 0.2;
/** A helper that has not finished its job after this long (ms) is taken for gone. */
const GONE_MS = 5000;

/** The helper's code (a CommonJS script run with `eval`, so it needs no file of its own). */
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, names } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = names.map((n) => exports[n]);
const ctl = new Int32Array(memory.buffer, control, ${HEADER + JOB_WORDS * MAX_JOBS});
let idle = 0;
for (;;) {
  const cur = Atomics.load(ctl, ${CLAIM});
  if (Atomics.load(ctl, ${STOP}) !== 0) break;
  const index = cur & 255;
  if (index < ((cur >>> 8) & 255)) {
    if (Atomics.compareExchange(ctl, ${CLAIM}, cur, cur + 1) === cur) {
      const j = ${HEADER} + ${JOB_WORDS} * index;
      fns[ctl[j]](ctl[j + 1], ctl[j + 2], ctl[j + 3], ctl[j + 4], ctl[j + 5], ctl[j + 6]);
      Atomics.add(ctl, ${DONE}, 1);
      ctl[${HELPED}]++;
    }
    idle = 0;
  } else if (++idle > 100000) {
    Atomics.store(ctl, ${ASLEEP}, 1);
    Atomics.wait(ctl, ${CLAIM}, cur, 1000);
    Atomics.store(ctl, ${ASLEEP}, 0);
    idle = 0;
  }
}
`;

export class StepTeam {
  private readonly ctl: Int32Array;
  private count = 0;
  private seq = 0;
  private worker: Worker | undefined;
  private soloFor = 0;
  /** Jobs run as they are added: no helper, or it is stepping aside (set at each phase's end). */
  private alone = true;
  /** Step-asides since the helper last kept up (each doubles the next solo stretch). */
  private backoff = 0;
  /** Jobs published to both threads, phases run threaded, and the helper's count, since the last check. */
  private published = 0;
  private phases = 0;
  private helpedAtCheck = 0;
  /** Times the team went solo: the caller waited long for the helper, or it took few jobs. */
  stalls = 0;

  /**
   * `table`: the kernel functions by job id. `shared` + `control` (byte address of TEAM_BYTES
   * in the shared memory): start a helper thread; without them the team is the caller alone.
   */
  constructor(
    private readonly table: readonly ((...args: number[]) => void)[],
    shared?: { kernel: SharedKernel; buffer: SharedArrayBuffer; control: number },
  ) {
    this.ctl = shared
      ? new Int32Array(shared.buffer, shared.control, TEAM_BYTES / 4)
      : new Int32Array(TEAM_BYTES / 4);
    if (!shared) return;
    try {
      this.worker = new Worker(HELPER_SOURCE, {
        eval: true,
        workerData: {
          module: shared.kernel.module,
          memory: shared.kernel.memory,
          control: shared.control,
          names: shared.kernel.names,
        },
      });
    } catch {
      return; // no worker threads here: the caller runs alone
    }
    // A helper must never keep the process alive, nor take it down.
    this.worker.unref();
    this.worker.on('error', () => this.close());
    this.alone = false;
  }

  /** Jobs the helper has run so far (diagnostics; read without synchronisation). */
  get helped(): number {
    return this.ctl[HELPED];
  }

  /** True while a helper thread takes part. */
  get threaded(): boolean {
    return this.worker !== undefined;
  }

  /** Adds a job to the current phase: `fn` (job id) with its arguments (run at once when alone). */
  add(fn: number, a: number, b = 0, c = 0, d = 0, e = 0, f = 0): void {
    if (this.alone) {
      this.table[fn](a, b, c, d, e, f);
      return;
    }
    if (this.count === MAX_JOBS) this.run();
    const j = HEADER + JOB_WORDS * this.count++;
    const ctl = this.ctl;
    ctl[j] = fn;
    ctl[j + 1] = a;
    ctl[j + 2] = b;
    ctl[j + 3] = c;
    ctl[j + 4] = d;
    ctl[j + 5] = e;
    ctl[j + 6] = f;
  }

  /** Runs the phase's jobs; returns when all are done. */
  run(): void {
    const count = this.count;
    this.count = 0;
    if (count > 0) this.runShared(count);
    if (this.soloFor > 0) this.soloFor--;
    this.alone = !this.worker || this.soloFor > 0;
  }

  /** Runs `count` jobs of the table with the helper. */
  private runShared(count: number): void {
    const ctl = this.ctl;
    if (count === 1 || !this.worker) {
      for (let i = 0; i < count; i++) this.call(HEADER + JOB_WORDS * i);
      return;
    }
    this.checkShare(count);
    // Publish: the done count first, then the claim word (phase, count, next index 0).
    Atomics.store(ctl, DONE, 0);
    this.seq = (this.seq + 1) & 0xffff;
    Atomics.store(ctl, CLAIM, (this.seq << 16) | (count << 8));
    if (Atomics.load(ctl, ASLEEP) !== 0) Atomics.notify(ctl, CLAIM);
    for (;;) {
      const cur = Atomics.load(ctl, CLAIM);
      const index = cur & 255;
      if (index >= count) break;
      if (Atomics.compareExchange(ctl, CLAIM, cur, cur + 1) !== cur) continue;
      this.call(HEADER + JOB_WORDS * index);
      Atomics.add(ctl, DONE, 1);
    }
    if (Atomics.load(ctl, DONE) === count) return;
    const start = performance.now();
    let spins = 0;
    while (Atomics.load(ctl, DONE) !== count) {
      // The helper is finishing a job it claimed. It cannot fail inside a kernel, but a
      // vanished thread must not hang generation forever.
      if ((++spins & 0xffff) === 0 && performance.now() - start > GONE_MS) {
        this.close();
        throw new Error(
          'The generation helper thread stopped answering for 5 s: this step failed; the next ones run on one thread',
        );
      }
    }
    if (performance.now() - start > STALL_MS) this.stepAside();
  }

  /** Every CHECK_PHASES phases: a helper that took too few jobs has no core of its own. */
  private checkShare(count: number): void {
    this.published += count;
    if (++this.phases < CHECK_PHASES) return;
    const helped = this.ctl[HELPED];
    const share = (helped - this.helpedAtCheck) / this.published;
    this.helpedAtCheck = helped;
    this.published = 0;
    this.phases = 0;
    if (share < MIN_SHARE) this.stepAside();
    else this.backoff = 0;
  }

  /** The second core is busy elsewhere: run alone for a while, longer after each time. */
  private stepAside(): void {
    this.stalls++;
    this.soloFor = SOLO_PHASES * 2 ** Math.min(this.backoff++, 8);
    this.published = 0;
    this.phases = 0;
    this.helpedAtCheck = this.ctl[HELPED];
  }

  private call(j: number): void {
    const ctl = this.ctl;
    this.table[ctl[j]](ctl[j + 1], ctl[j + 2], ctl[j + 3], ctl[j + 4], ctl[j + 5], ctl[j + 6]);
  }

  /** Stops the helper thread (the team then runs alone). */
  close(): void {
    if (!this.worker) return;
    Atomics.store(this.ctl, STOP, 1);
    Atomics.notify(this.ctl, CLAIM);
    void this.worker.terminate();
    this.worker = undefined;
  }
}
