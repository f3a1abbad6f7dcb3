import type { ContinuoApi } from '../../../shared/ipc/api.ts';
import type {
  GenerationEvent,
  GenerationFinished,
  GenerationSeed,
  NoteSequenceWire,
  NoteWire,
  PayloadOf,
  ResultOf,
} from '../../../shared/ipc/index.ts';
import { sliceByTime } from '../../../shared/music/sequences.ts';
import { EarlyEvents, errorText } from './early_events.ts';
import { codecCaps } from './codec_caps.ts';

/** One variation as the Generate panel shows it. */
export interface VariationView {
  variation: number;
  notes: NoteWire[];
  totalTime: number;
  tokens: number;
  done: boolean;
  abc: string | null;
  /** The whole finished sequence (tempo and meter included), for seeding the next generation. */
  sequence?: NoteSequenceWire;
  /** Keep / discard decision; undefined until the user makes one. */
  decision?: 'kept' | 'discarded';
  /** The last export of this variation. */
  exported?: ResultOf<'generation.export'>;
}

/** The generation the panel follows. */
export interface GenerationRun {
  jobId: string;
  modelName: string;
  codec: string;
  state: 'running' | GenerationFinished['outcome'];
  message?: string;
  variations: VariationView[];
  /** Milliseconds from the Generate click to the first notes on screen. */
  firstNotesMs?: number;
  /** When it continues a phrase: what it continues, and how long the seed lasts (seconds). */
  seed?: { label: string; seconds: number };
  seconds?: number;
}

/** The Generate section's state: the run being followed, its variations, exports. */
export class GenerationModel {
  run = $state<GenerationRun | undefined>(undefined);
  error = $state<string | undefined>(undefined);

  private clickedAt = 0;
  /** The request, model name and codec of the last start (what "Continue this" reuses). */
  private last: { payload: PayloadOf<'generation.start'>; modelName: string; codec: string } | undefined;
  private readonly early = new EarlyEvents<GenerationEvent | GenerationFinished>();

  constructor(private readonly api: ContinuoApi) {
    api.on('generation.event', (event) => this.onEvent(event));
    api.on('generation.finished', (finished) => this.onFinished(finished));
  }

  /** Starts generating and follows the run. */
  async start(
    payload: PayloadOf<'generation.start'>,
    modelName: string,
    codec: string,
    seedInfo?: { label: string; seconds: number },
  ): Promise<void> {
    this.error = undefined;
    this.clickedAt = performance.now();
    this.last = { payload, modelName, codec };
    try {
      const { jobId } = await this.api.request('generation.start', payload);
      this.run = {
        jobId,
        modelName,
        codec,
        state: 'running',
        ...(seedInfo ? { seed: seedInfo } : {}),
        variations: Array.from({ length: payload.variations }, (_, variation) => ({
          variation,
          notes: [],
          totalTime: 0,
          tokens: 0,
          done: false,
          abc: null,
        })),
      };
      for (const event of this.early.take(jobId)) {
        if ('outcome' in event) this.onFinished(event);
        else this.onEvent(event);
      }
    } catch (error) {
      this.error = `Could not generate: ${errorText(error)}`;
    }
  }

  /** Cancels the running generation (what was made so far is kept). */
  async cancel(): Promise<void> {
    if (this.run?.state !== 'running') return;
    try {
      await this.api.request('jobs.cancel', { jobId: this.run.jobId });
    } catch (error) {
      this.error = `Could not cancel: ${errorText(error)}`;
    }
  }

  /**
   * Generates again with the same settings, seeded by a finished variation: the whole of it
   * (an ABC model gets its ABC text, which its codec encodes), or its notes from `range.start`
   * to `range.end` seconds.
   */
  async continueFrom(variation: number, range?: { start: number; end: number }): Promise<void> {
    const run = this.run;
    const view = run?.variations.find((v) => v.variation === variation);
    const last = this.last;
    if (!run || !view?.done || !view.sequence || !last) return;
    const whole = !range || (range.start <= 0 && range.end >= view.totalTime);
    let seed: GenerationSeed;
    let seconds = view.totalTime;
    let label = `Variation ${variation + 1}`;
    if (whole && codecCaps(run.codec).textFormat === 'abc' && view.abc) {
      seed = { kind: 'abc', text: view.abc };
    } else if (whole || !range) {
      seed = { kind: 'sequence', sequence: view.sequence };
    } else {
      if (!(range.end > range.start) || range.start < 0) {
        this.error = 'Choose a seed range whose end comes after its start';
        return;
      }
      const slice = sliceByTime(view.sequence, range.start, range.end);
      if (slice.notes.length === 0) {
        this.error = `Variation ${variation + 1} has no notes between ${range.start} s and ${range.end} s`;
        return;
      }
      seed = { kind: 'sequence', sequence: { ...slice, source: { kind: 'generated' } } };
      seconds = slice.totalTime;
      label = `Variation ${variation + 1}, ${range.start}–${range.end} s`;
    }
    await this.start({ ...last.payload, seed }, last.modelName, last.codec, { label, seconds });
  }

  /** Marks a variation kept or discarded. */
  decide(variation: number, decision: 'kept' | 'discarded'): void {
    const view = this.run?.variations.find((v) => v.variation === variation);
    if (view) view.decision = decision;
  }

  /** Writes a variation as MIDI or ABC. */
  async export(variation: number, format: 'mid' | 'abc'): Promise<void> {
    const run = this.run;
    if (!run) return;
    try {
      const result = await this.api.request('generation.export', { jobId: run.jobId, variation, format });
      const view = run.variations.find((v) => v.variation === variation);
      if (view) view.exported = result;
    } catch (error) {
      this.error = `Could not export: ${errorText(error)}`;
    }
  }

  private onEvent(event: GenerationEvent): void {
    const run = this.run;
    if (!run || run.jobId !== event.jobId) {
      this.early.add(event);
      return;
    }
    const view = run.variations[event.variation];
    if (!view) return;
    view.notes = event.notes;
    view.totalTime = event.totalTime;
    view.tokens = event.tokens;
    if (run.firstNotesMs === undefined && event.notes.length > 0) {
      run.firstNotesMs = Math.round(performance.now() - this.clickedAt);
    }
  }

  private onFinished(finished: GenerationFinished): void {
    const run = this.run;
    if (!run || run.jobId !== finished.jobId) {
      this.early.add(finished);
      return;
    }
    run.state = finished.outcome;
    run.message = finished.message;
    run.seconds = finished.seconds;
    for (const result of finished.variations) {
      const view = run.variations[result.variation];
      if (!view) continue;
      view.notes = result.sequence.notes;
      view.totalTime = result.sequence.totalTime;
      view.tokens = result.tokens;
      view.abc = result.abc;
      view.sequence = result.sequence;
      view.done = true;
    }
    if (finished.variations.length === 0) run.variations = [];
  }
}
