/**
 * "Continue from here": sends the seed before the playhead (or the selection) to a model and
 * lets the results stream into the project as take tracks after it, one per variation.
 *
 * The whole generation is one undo step: the take tracks and the history record are added at
 * the start, and while the notes stream in that step is replaced (undone and re-applied) as
 * long as the project is still the one it made. Once the musician edits meanwhile, the step
 * stays as it is and the finished notes arrive as a step of their own, so nothing they did is
 * undone. Takes are only ever added: no track the musician made is replaced.
 */
import type { ContinuoApi } from '../../../../shared/ipc/api.ts';
import type {
  DecodedSeed,
  GenerationEvent,
  GenerationFinished,
  ModelSummary,
  NoteWire,
  PayloadOf,
} from '../../../../shared/ipc/index.ts';
import { newGenerationId, newTrack } from '../../../../shared/project/create.ts';
import { barAtTick } from '../../../../shared/project/time.ts';
import type {
  Edit,
  GenerationId,
  GenerationRecord,
  Project,
  ProjectGenerationSettings,
  Track,
  TrackId,
} from '../../../../shared/project/types.ts';
import { EarlyEvents, errorText } from '../early_events.ts';
import { planContinuation, takeNotes, type ContinueContext, type ContinuePlan } from './continue_plan.ts';

/** What the continuation needs of the project session (ProjectSession has it). */
export interface ContinueSession extends Omit<ContinueContext, 'seedBars'> {
  readonly project: Project;
  apply(edit: Edit): void;
  undo(): void;
}

/** The generation being followed. */
export interface ContinueRun {
  jobId: string;
  generationId: GenerationId;
  modelName: string;
  plan: ContinuePlan;
  takeIds: TrackId[];
  state: 'running' | GenerationFinished['outcome'];
  message?: string;
  /** Notes per take so far. */
  notes: number[];
  /** The seed as the engine decoded it (when it had one). */
  engineSeed?: DecodedSeed;
  seconds?: number;
}

/** Least time between two streamed updates of the takes (ms). */
const STREAM_INTERVAL_MS = 250;

export class ContinueModel {
  run = $state<ContinueRun | undefined>(undefined);
  error = $state<string | undefined>(undefined);

  /** The project this run's undo step produced last (its step can be replaced while it is). */
  private produced: Project | undefined;
  /** Latest notes per variation (bookkeeping, not shown: not reactive state). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private latest = new Map<number, NoteWire[]>();
  /** The engine's quality line per finished variation; it reaches the take track (bookkeeping). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private qualities = new Map<number, string>();
  private streamTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly early = new EarlyEvents<GenerationEvent | GenerationFinished>();
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly api: ContinuoApi,
    private readonly session: ContinueSession,
  ) {
    this.stops.push(
      api.on('generation.event', (event) => this.onEvent(event)),
      api.on('generation.finished', (finished) => this.onFinished(finished)),
    );
  }

  /** The seed and placement a Continue would use now. */
  plan(seedBars: number): ContinuePlan {
    const { project, playheadTick, activeTrackId, selection } = this.session;
    return planContinuation(project, { playheadTick, activeTrackId, selection, seedBars });
  }

  /** Starts a continuation with `settings` from `model`; the takes appear at once and fill in. */
  async start(model: ModelSummary, settings: ProjectGenerationSettings): Promise<void> {
    if (this.run?.state === 'running') return;
    this.error = undefined;
    const plan = this.plan(settings.seedBars);
    const payload: PayloadOf<'generation.start'> = {
      modelId: model.id,
      temperature: settings.temperature,
      topK: settings.topK,
      topP: settings.topP,
      length: settings.length,
      variations: settings.variations,
      ...(settings.key ? { key: settings.key } : {}),
      ...(settings.randomSeed !== undefined ? { randomSeed: settings.randomSeed } : {}),
      ...(plan.sequence ? { seed: { kind: 'sequence', sequence: plan.sequence } } : {}),
    };
    let jobId: string;
    try {
      ({ jobId } = await this.api.request('generation.start', payload));
    } catch (error) {
      this.error = `Could not continue: ${errorText(error)}`;
      return;
    }
    const generationId = newGenerationId();
    const project = this.session.project;
    // Numbered over the project's life, so a new take never shares a name with an earlier one.
    const takeCount = project.history.reduce((sum, record) => sum + record.takeTrackIds.length, 0);
    const bar = barAtTick(project.timeSignatures, plan.placeAt).bar;
    const takes: Track[] = Array.from({ length: settings.variations }, (_, variation) => ({
      ...newTrack('take', `Take ${takeCount + variation + 1}`, takeCount + variation),
      take: { generationId, variation },
    }));
    const record: GenerationRecord = {
      id: generationId,
      at: nowIso(),
      modelId: model.id,
      modelName: model.name,
      settings: { ...settings, modelId: model.id },
      ...(plan.sequence
        ? { seed: { startTick: plan.range.startTick, endTick: plan.range.endTick, trackIds: plan.trackIds } }
        : {}),
      placedAt: plan.placeAt,
      takeTrackIds: takes.map((t) => t.id),
    };
    this.latest.clear();
    this.qualities.clear();
    this.run = {
      jobId,
      generationId,
      modelName: model.name,
      plan,
      takeIds: record.takeTrackIds,
      state: 'running',
      notes: takes.map(() => 0),
    };
    this.baseEdits = [
      ...(sameSettings(project.generation, record.settings)
        ? []
        : [{ type: 'setGenerationSettings', settings: record.settings } as const]),
      ...takes.map((track): Edit => ({ type: 'addTrack', track })),
      { type: 'addGeneration', record },
    ];
    this.label = `Continue from bar ${bar} (${model.name})`;
    this.session.apply({ type: 'batch', label: this.label, edits: this.baseEdits });
    this.produced = this.session.project;
    for (const event of this.early.take(jobId)) {
      if ('outcome' in event) this.onFinished(event);
      else this.onEvent(event);
    }
  }

  /** Cancels the running continuation (the notes made so far stay in the takes). */
  async cancel(): Promise<void> {
    if (this.run?.state !== 'running') return;
    try {
      await this.api.request('jobs.cancel', { jobId: this.run.jobId });
    } catch (error) {
      this.error = `Could not cancel: ${errorText(error)}`;
    }
  }

  /** Merges a take into a track (a new track of the musician's when the project has none). */
  accept(takeId: TrackId, intoTrackId?: TrackId): void {
    const project = this.session.project;
    const into = intoTrackId ?? acceptTarget(project, this.run?.plan.trackIds ?? []);
    if (into) {
      this.session.apply({ type: 'acceptTake', takeId, intoTrackId: into });
      return;
    }
    const track = newTrack('user', undefined, 0);
    this.session.apply({
      type: 'batch',
      label: 'Accept take',
      edits: [
        { type: 'addTrack', track },
        { type: 'acceptTake', takeId, intoTrackId: track.id },
      ],
    });
  }

  /** Stops listening (the panel is gone). */
  dispose(): void {
    clearTimeout(this.streamTimer);
    for (const stop of this.stops.splice(0)) stop();
  }

  private baseEdits: Edit[] = [];
  private label = '';

  private onEvent(event: GenerationEvent): void {
    const run = this.run;
    if (!run || run.jobId !== event.jobId) {
      this.early.add(event);
      return;
    }
    if (run.state !== 'running') return;
    this.latest.set(event.variation, event.notes);
    // Streamed updates are batched: a redraw of every take four times a second is plenty.
    this.streamTimer ??= setTimeout(() => {
      this.streamTimer = undefined;
      if (this.run === run && run.state === 'running') this.fill(run, undefined);
    }, STREAM_INTERVAL_MS);
  }

  private onFinished(finished: GenerationFinished): void {
    const run = this.run;
    if (!run || run.jobId !== finished.jobId) {
      this.early.add(finished);
      return;
    }
    clearTimeout(this.streamTimer);
    this.streamTimer = undefined;
    for (const variation of finished.variations) {
      this.latest.set(variation.variation, variation.sequence.notes);
      if (variation.quality) this.qualities.set(variation.variation, variation.quality.text);
    }
    run.state = finished.outcome;
    run.message = finished.message;
    run.seconds = finished.seconds;
    if (finished.seed) run.engineSeed = finished.seed;
    if (finished.variations.length === 0 && [...this.latest.values()].every((notes) => notes.length === 0)) {
      this.withdraw(run);
    } else {
      this.fill(run, finished.seed);
    }
    this.produced = undefined;
  }

  /** Nothing came (the generation failed or was cancelled at once): its empty takes and record go. */
  private withdraw(run: ContinueRun): void {
    if (this.produced && this.session.project === this.produced) {
      this.session.undo();
      return;
    }
    const tracks = this.session.project.tracks;
    const edits: Edit[] = run.takeIds
      .filter((id) => tracks.some((t) => t.id === id))
      .map((trackId): Edit => ({ type: 'deleteTrack', trackId }));
    if (this.session.project.history.some((record) => record.id === run.generationId))
      edits.push({ type: 'removeGeneration', generationId: run.generationId });
    if (edits.length) this.session.apply({ type: 'batch', label: `${this.label}: nothing generated`, edits });
  }

  /** Puts the latest notes of every variation into its take. */
  private fill(run: ContinueRun, engineSeed: DecodedSeed | undefined): void {
    const project = this.session.project;
    // Until the engine says where the seed it decoded ends, the seed sent tells.
    const seedEnd = { seconds: engineSeed?.endTime ?? run.plan.sequence?.totalTime ?? 0 };
    const fills = run.takeIds.map((takeId, variation) => ({
      takeId,
      notes: takeNotes(project, this.latest.get(variation) ?? [], seedEnd, run.plan.placeAt),
    }));
    run.notes = fills.map((f) => f.notes.length);
    if (this.produced && this.session.project === this.produced) {
      // Still the project this run made: replace its undo step with the fuller one.
      const filled = this.baseEdits.map((edit): Edit => {
        if (edit.type !== 'addTrack') return edit;
        const variation = fills.findIndex((f) => f.takeId === edit.track.id);
        if (variation < 0) return edit;
        const quality = this.qualities.get(variation);
        const take = edit.track.take && quality ? { ...edit.track.take, quality } : edit.track.take;
        return {
          type: 'addTrack',
          track: { ...edit.track, notes: fills[variation].notes, ...(take ? { take } : {}) },
        };
      });
      this.session.undo();
      this.session.apply({ type: 'batch', label: this.label, edits: filled });
      this.produced = this.session.project;
      return;
    }
    if (engineSeed === undefined && run.state === 'running') return; // The musician is editing: wait for the end.
    // Edited meanwhile: the finished notes come as a step of their own, in the takes still there.
    const edits: Edit[] = [];
    for (const fill of fills) {
      const take = this.session.project.tracks.find((t) => t.id === fill.takeId);
      if (!take) continue;
      if (take.notes.length)
        edits.push({ type: 'deleteNotes', trackId: take.id, noteIds: take.notes.map((n) => n.id) });
      if (fill.notes.length) edits.push({ type: 'addNotes', trackId: take.id, notes: fill.notes });
      const quality = this.qualities.get(fills.indexOf(fill));
      if (quality && take.take && take.take.quality !== quality)
        edits.push({ type: 'setTrackProps', trackId: take.id, props: { take: { ...take.take, quality } } });
    }
    if (edits.length) this.session.apply({ type: 'batch', label: `${this.label}: notes`, edits });
  }
}

/** The track a take is accepted into: the first seed track still there, else the first of the musician's. */
export function acceptTarget(project: Project, seedTrackIds: readonly TrackId[]): TrackId | undefined {
  const candidates = project.tracks.filter((t) => t.kind !== 'take');
  return (
    candidates.find((t) => seedTrackIds.includes(t.id))?.id ??
    candidates.find((t) => t.kind === 'user')?.id ??
    candidates[0]?.id
  );
}

function sameSettings(a: ProjectGenerationSettings, b: ProjectGenerationSettings): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof ProjectGenerationSettings>;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/** The time now as ISO text (a plain value, not reactive state). */
function nowIso(): string {
  return new globalThis.Date().toISOString();
}
