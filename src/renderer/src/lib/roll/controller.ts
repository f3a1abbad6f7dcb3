import { newNoteId } from '../../../../shared/project/create.ts';
import type {
  Edit,
  MidiNote,
  NoteId,
  Project,
  Ticks,
  Track,
  TrackId,
  Velocity,
} from '../../../../shared/project/types.ts';
import { PPQ } from '../../../../shared/project/types.ts';
import { drawGrid } from './draw/grid_layer.ts';
import { drawKeyboard } from './draw/keyboard_layer.ts';
import { drawNotes } from './draw/notes_layer.ts';
import { drawOverlay, drawPlayhead } from './draw/overlay_layer.ts';
import { drawRuler, drawRulerPlayhead } from './draw/ruler_layer.ts';
import type { RollScene, TickRange } from './draw/scene.ts';
import { drawVelocityLane } from './draw/velocity_layer.ts';
import { beginGesture, cursorFor } from './gestures/choose.ts';
import type { Gesture, GestureContext, RollPointer, RollPreview, RollTool } from './gestures/gesture.ts';
import { velocityGesture } from './gestures/velocity_gesture.ts';
import { runNoteCommand, type ClipboardNotes, type QuantizeSettings } from './note_commands.ts';
import { noteExtent, noteIndex, type NoteIndex } from './note_index.ts';
import { LayeredRenderer, type LayerName } from './renderer.ts';
import type { RollCommand } from './shortcuts.ts';
import { gridTicks, snapTick, type GridChoice, type SnapMode } from './snap.ts';
import {
  centrePitches,
  clampViewport,
  fitViewport,
  scrollBy,
  zoomPitch,
  zoomTime,
  xToTick,
  yToPitch,
  type RollViewport,
} from './viewport.ts';
import { hitNote } from './hit_test.ts';

/** What the editor needs of the project session (ProjectSession has it). */
export interface RollSession {
  readonly project: Project;
  readonly activeTrackId: TrackId;
  readonly selection: ReadonlySet<NoteId>;
  playheadTick: Ticks;
  loop: TickRange | undefined;
  readonly seedRange: TickRange | undefined;
  apply(edit: Edit): void;
  undo(): void;
  redo(): void;
  select(ids: ReadonlySet<NoteId>): void;
  ensureActiveTrack(): TrackId;
}

/** The editor's clipboard, shared by every roll of the window. */
let clipboard: ClipboardNotes | undefined;

/** Heights of the ruler and lane canvases (CSS pixels); the note area takes the rest. */
export const RULER_HEIGHT = 30;
export const KEYBOARD_WIDTH = 58;

/** A wheel event, as the editor sees it. */
export interface RollWheel {
  x: number;
  y: number;
  dx: number;
  dy: number;
  ctrl: boolean;
  shift: boolean;
  alt: boolean;
}

/**
 * The piano roll without the DOM: viewport, tool, snap, the gesture in progress and the layers'
 * drawing, over a project session. The Svelte components feed it pointer, wheel and key input
 * and tell it when the session changed; it never edits the project except through
 * `session.apply`.
 */
export class RollController implements GestureContext {
  readonly renderer = new LayeredRenderer();
  tool: RollTool = 'select';
  gridChoice: GridChoice = '1/16';
  quantize: QuantizeSettings = { grid: PPQ / 4, strength: 1, mode: 'start' };
  auditionOn = true;
  newNoteLength: Ticks = PPQ;
  newNoteVelocity: Velocity = 96;
  preview: RollPreview | undefined;
  litPitch: MidiNote | undefined;
  hoverPitch: MidiNote | undefined;
  laneHeight = 80;
  /** Called when the viewport changes (scrollbars, zoom readout). */
  onView: ((view: RollViewport) => void) | undefined;
  /** Called when the tool changes from the keyboard. */
  onTool: ((tool: RollTool) => void) | undefined;

  #view: RollViewport = { scrollTick: 0, scrollY: 0, pxPerTick: 0.1, rowHeight: 14, width: 0, height: 0 };
  #gesture: Gesture | undefined;
  #laneGesture: Gesture | undefined;
  #placedOnce = false;

  constructor(
    private readonly session: RollSession,
    private readonly sound: (pitch: MidiNote, velocity: Velocity) => void,
  ) {}

  // GestureContext

  get view(): RollViewport {
    return this.#view;
  }

  get project(): Project {
    return this.session.project;
  }

  get track(): Track | undefined {
    return this.session.project.tracks.find((t) => t.id === this.session.activeTrackId);
  }

  get index(): NoteIndex {
    return noteIndex(this.track?.notes ?? []);
  }

  get selection(): ReadonlySet<NoteId> {
    return this.session.selection;
  }

  get grid(): Ticks | null {
    return gridTicks(this.gridChoice);
  }

  select(ids: ReadonlySet<NoteId>): void {
    this.session.select(ids);
    this.renderer.invalidate('notes', 'lane');
  }

  apply(edit: Edit): void {
    this.session.apply(edit);
    this.invalidateProject();
  }

  editTrack(build: (trackId: TrackId) => Edit): void {
    const trackId = this.session.ensureActiveTrack();
    this.apply(build(trackId));
  }

  snap(tick: Ticks, mode: SnapMode, free: boolean): Ticks {
    return snapTick(this.session.project.timeSignatures, tick, free ? null : this.grid, mode);
  }

  setPreview(preview: RollPreview | undefined): void {
    const liftedBefore = this.preview && this.preview.kind !== 'rubber' && this.preview.kind !== 'draw';
    const liftedAfter = preview && preview.kind !== 'rubber' && preview.kind !== 'draw';
    // The static notes change only when a gesture starts or ends lifting notes out of them.
    const restack =
      liftedBefore !== liftedAfter ||
      (this.preview?.kind === 'move' && preview?.kind === 'move' && this.preview.copy !== preview.copy) ||
      preview?.kind === 'erase';
    this.preview = preview;
    if (restack) this.renderer.invalidate('notes');
    this.renderer.invalidate('overlay');
    if (preview?.kind === 'velocity' || this.preview === undefined) this.renderer.invalidate('lane');
  }

  audition(pitch: MidiNote, velocity: Velocity): void {
    this.litPitch = pitch;
    this.renderer.invalidate('keyboard');
    if (this.auditionOn) this.sound(pitch, velocity);
  }

  rememberNote(length: Ticks, velocity: Velocity): void {
    this.newNoteLength = Math.max(1, Math.round(length));
    this.newNoteVelocity = velocity;
  }

  newNoteId(): NoteId {
    return newNoteId();
  }

  // Layers

  /** The scene the layers draw (read fresh every frame). */
  scene(): RollScene {
    return {
      view: this.#view,
      project: this.session.project,
      activeTrackId: this.session.activeTrackId,
      selection: this.session.selection,
      preview: this.preview,
      playheadTick: this.session.playheadTick,
      loop: this.session.loop,
      seedRange: this.session.seedRange,
      grid: this.grid,
      litPitch: this.litPitch,
      hoverPitch: this.hoverPitch,
    };
  }

  /** Attaches a canvas as one of the layers. */
  attach(name: LayerName, canvas: HTMLCanvasElement): () => void {
    return this.renderer.attach(name, canvas, (ctx, width, height) => {
      const scene = this.scene();
      switch (name) {
        case 'grid':
          return drawGrid(ctx, scene);
        case 'notes':
          return drawNotes(ctx, scene);
        case 'overlay':
          return drawOverlay(ctx, scene);
        case 'playhead':
          return drawPlayhead(ctx, scene);
        case 'ruler':
          return drawRuler(ctx, scene, height);
        case 'rulerPlayhead':
          return drawRulerPlayhead(ctx, scene.view, scene.playheadTick, height);
        case 'keyboard':
          return drawKeyboard(ctx, scene.view, width, scene.litPitch, scene.hoverPitch);
        case 'lane':
          return drawVelocityLane(ctx, scene, height);
      }
    });
  }

  /** The note area's size changed. */
  resize(width: number, height: number): void {
    if (width <= 0 || height <= 0) return;
    this.#setView(clampViewport({ ...this.#view, width, height }));
    if (!this.#placedOnce) {
      this.#placedOnce = true;
      this.#initialPlacement();
    }
  }

  /** The project, active track or selection changed (from here or elsewhere). */
  invalidateProject(): void {
    this.renderer.invalidate('notes', 'overlay', 'lane', 'grid', 'ruler');
  }

  invalidatePlayhead(): void {
    this.renderer.invalidate('playhead', 'rulerPlayhead');
  }

  /** A whole new project: show its start, centred on its notes. */
  projectReplaced(): void {
    this.#gesture?.cancel();
    this.#gesture = undefined;
    this.#initialPlacement();
    this.renderer.invalidateAll();
  }

  /** New music arrived (opened, imported): back to the Select tool, no gesture half-done. */
  startFresh(): void {
    this.#gesture?.cancel();
    this.#gesture = undefined;
    if (this.tool !== 'select') this.setTool('select');
  }

  setTool(tool: RollTool): void {
    this.tool = tool;
    this.onTool?.(tool);
  }

  setGrid(choice: GridChoice): void {
    this.gridChoice = choice;
    const ticks = gridTicks(choice);
    if (ticks) this.newNoteLength = Math.max(ticks, this.newNoteLength);
    this.renderer.invalidate('grid');
  }

  // Viewport

  setView(view: RollViewport): void {
    this.#setView(clampViewport(view));
  }

  zoomBy(factor: number, anchorX?: number): void {
    this.#setView(zoomTime(this.#view, factor, anchorX));
  }

  zoomPitchBy(factor: number, anchorY?: number): void {
    this.#setView(zoomPitch(this.#view, factor, anchorY));
  }

  /** Zooms to show the active track's notes (or all tracks', or the first bars). */
  zoomToFit(): void {
    const tracks = this.track?.notes.length ? [this.track] : this.session.project.tracks;
    const extent = noteExtent(...tracks.map((t) => t.notes));
    if (!extent) {
      this.#setView(centrePitches(fitViewport(this.#view, 0, PPQ * 16, 48, 72), 48, 72));
      return;
    }
    this.#setView(fitViewport(this.#view, extent.start, extent.end, extent.low, extent.high));
  }

  wheel(wheel: RollWheel): void {
    // Trackpads send both axes; Shift turns a mouse wheel sideways.
    const dx = wheel.shift && wheel.dx === 0 ? wheel.dy : wheel.dx;
    const dy = wheel.shift && wheel.dx === 0 ? 0 : wheel.dy;
    // Browsers may turn a Shift+wheel into a sideways one: either axis zooms the pitch rows.
    if (wheel.ctrl && wheel.shift) this.zoomPitchBy(Math.exp(-(wheel.dy || wheel.dx) * 0.002), wheel.y);
    else if (wheel.ctrl) this.zoomBy(Math.exp(-wheel.dy * 0.0025), wheel.x);
    else this.#setView(scrollBy(this.#view, dx, dy));
  }

  // Pointer input on the note area

  pointerDown(pointer: RollPointer, secondary: boolean): void {
    this.#gesture?.cancel();
    this.#gesture = beginGesture(this.tool, this, pointer, secondary);
  }

  pointerMove(pointer: RollPointer): string | undefined {
    const hover = yToPitch(this.#view, pointer.y);
    if (hover !== this.hoverPitch) {
      this.hoverPitch = hover;
      this.renderer.invalidate('keyboard');
    }
    if (this.#gesture) {
      this.#gesture.move(pointer);
      return undefined;
    }
    return cursorFor(this.tool, this, pointer.x, pointer.y);
  }

  /** The pointer left the note area. */
  pointerLeave(): void {
    if (this.hoverPitch === undefined) return;
    this.hoverPitch = undefined;
    this.renderer.invalidate('keyboard');
  }

  /**
   * A double click with the select tool: on a note deletes it, on an empty spot adds a note of
   * the last drawn length there, a quick alternative to switching tools. (The draw tool's
   * clicks already draw, the erase tool's erase.)
   */
  doubleClick(pointer: RollPointer): void {
    if (this.tool !== 'select') return;
    const hit = hitNote(this.#view, this.index, pointer.x, pointer.y);
    const track = this.track;
    if (hit && track) {
      this.apply({ type: 'deleteNotes', trackId: track.id, noteIds: [hit.note.id] });
      return;
    }
    const note = {
      id: newNoteId(),
      pitch: yToPitch(this.#view, pointer.y),
      velocity: this.newNoteVelocity,
      start: this.snap(xToTick(this.#view, pointer.x), 'floor', pointer.alt),
      duration: this.newNoteLength,
    };
    this.editTrack((trackId) => ({ type: 'addNotes', trackId, notes: [note] }));
    this.select(new Set([note.id]));
    this.audition(note.pitch, note.velocity);
  }

  pointerUp(pointer: RollPointer): void {
    const gesture = this.#gesture;
    this.#gesture = undefined;
    gesture?.end(pointer);
    this.#unlight();
  }

  /** Cancels a gesture in progress (Escape, lost capture); true if there was one. */
  cancelGesture(): boolean {
    const had = this.#gesture !== undefined || this.#laneGesture !== undefined;
    this.#gesture?.cancel();
    this.#laneGesture?.cancel();
    this.#gesture = undefined;
    this.#laneGesture = undefined;
    return had;
  }

  get dragging(): boolean {
    return this.#gesture !== undefined || this.#laneGesture !== undefined;
  }

  // Pointer input on the velocity lane (x as in the note area, y within the lane)

  lanePointerDown(pointer: RollPointer): void {
    this.#laneGesture?.cancel();
    this.#laneGesture = velocityGesture(this, pointer, this.laneHeight);
  }

  lanePointerMove(pointer: RollPointer): void {
    this.#laneGesture?.move(pointer);
  }

  lanePointerUp(pointer: RollPointer): void {
    const gesture = this.#laneGesture;
    this.#laneGesture = undefined;
    gesture?.end(pointer);
    this.#unlight();
  }

  // Keyboard (clicking a key auditions it)

  keyDown(pitch: MidiNote): void {
    this.litPitch = pitch;
    this.renderer.invalidate('keyboard');
    this.sound(pitch, this.newNoteVelocity);
  }

  keyUp(): void {
    this.#unlight();
  }

  // Commands

  /** Runs a command; returns false when it does not apply here (so the key is not swallowed). */
  run(command: RollCommand): boolean {
    const track = this.track;
    const selection = this.session.selection;
    switch (command) {
      case 'undo':
        this.session.undo();
        this.invalidateProject();
        return true;
      case 'redo':
        this.session.redo();
        this.invalidateProject();
        return true;
      case 'selectAll':
        this.select(new Set(track?.notes.map((n) => n.id)));
        return true;
      case 'deselect':
        if (this.cancelGesture()) return true;
        if (selection.size === 0) return false;
        this.select(new Set());
        return true;
      case 'zoomIn':
        this.zoomBy(1.5);
        return true;
      case 'zoomOut':
        this.zoomBy(1 / 1.5);
        return true;
      case 'zoomFit':
        this.zoomToFit();
        return true;
      case 'toolSelect':
        this.setTool('select');
        return true;
      case 'toolDraw':
        this.setTool('draw');
        return true;
      case 'toolErase':
        this.setTool('erase');
        return true;
      case 'help':
      case 'toggleAudition':
        return false;
      default:
        break;
    }
    const outcome = runNoteCommand(command, {
      track,
      selection,
      grid: this.grid,
      playheadTick: this.session.playheadTick,
      quantize: this.quantize,
      clipboard,
      newId: newNoteId,
      pasteTarget: () => {
        const trackId = this.session.ensureActiveTrack();
        return this.session.project.tracks.find((t) => t.id === trackId);
      },
    });
    if (!outcome) return false;
    clipboard = outcome.clipboard;
    if (outcome.edit) this.apply(outcome.edit);
    if (outcome.select) this.select(outcome.select);
    if (outcome.edit && (command.startsWith('transpose') || command.startsWith('octave')))
      this.#auditionFirstSelected();
    return true;
  }

  dispose(): void {
    this.cancelGesture();
    this.renderer.dispose();
  }

  #auditionFirstSelected(): void {
    const track = this.track;
    if (!track) return;
    const first = track.notes.find((n) => this.session.selection.has(n.id));
    if (first) this.audition(first.pitch, first.velocity);
  }

  #unlight(): void {
    if (this.litPitch === undefined) return;
    this.litPitch = undefined;
    this.renderer.invalidate('keyboard');
  }

  #setView(view: RollViewport): void {
    const before = this.#view;
    this.#view = view;
    const moved =
      before.scrollTick !== view.scrollTick ||
      before.pxPerTick !== view.pxPerTick ||
      before.width !== view.width;
    const movedY =
      before.scrollY !== view.scrollY || before.rowHeight !== view.rowHeight || before.height !== view.height;
    if (!moved && !movedY) return;
    this.renderer.invalidate('grid', 'notes', 'overlay', 'playhead');
    if (moved) this.renderer.invalidate('ruler', 'rulerPlayhead', 'lane');
    if (movedY) this.renderer.invalidate('keyboard');
    this.onView?.(view);
  }

  /** About four bars across, from the first note, centred on the notes (or on middle C). */
  #initialPlacement(): void {
    if (this.#view.width <= 0) return;
    const tracks = this.track?.notes.length ? [this.track] : this.session.project.tracks;
    const extent = noteExtent(...tracks.map((t) => t.notes));
    const pxPerTick = Math.max(0.02, Math.min(0.25, this.#view.width / (PPQ * 4 * 4.5)));
    const start = extent ? Math.max(0, extent.start - PPQ) : 0;
    const low = extent ? extent.low : 55;
    const high = extent ? Math.min(extent.high, extent.low + 30) : 74;
    this.#setView(
      centrePitches(clampViewport({ ...this.#view, pxPerTick, rowHeight: 14, scrollTick: start }), low, high),
    );
  }
}
