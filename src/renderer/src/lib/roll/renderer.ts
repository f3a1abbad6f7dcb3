import { FrameStats } from './frame_stats.ts';

/** The canvases of the roll, each redrawn only when something it shows changed. */
export type LayerName =
  'grid' | 'notes' | 'overlay' | 'playhead' | 'ruler' | 'rulerPlayhead' | 'keyboard' | 'lane';

/** Draws one layer at its CSS size; returns how many notes it drew (for the stats). */
export type LayerDraw = (ctx: CanvasRenderingContext2D, width: number, height: number) => unknown;

interface Layer {
  canvas: HTMLCanvasElement;
  ctx: CanvasRenderingContext2D;
  draw: LayerDraw;
  width: number;
  height: number;
  dirty: boolean;
}

/**
 * A dirty-layer scheme over stacked canvases: a change marks the layers it affects and one
 * animation frame redraws just those (a moving playhead redraws its thin layer, never the
 * notes). Canvases are sized to CSS pixels times devicePixelRatio.
 */
export class LayeredRenderer {
  readonly stats = new FrameStats();
  #layers = new Map<LayerName, Layer>();
  #frame = 0;

  attach(name: LayerName, canvas: HTMLCanvasElement, draw: LayerDraw): () => void {
    const ctx = canvas.getContext('2d', {
      alpha: name !== 'grid' && name !== 'ruler' && name !== 'keyboard' && name !== 'lane',
    });
    if (!ctx) throw new Error('This browser cannot draw on a canvas (no 2D context).');
    this.#layers.set(name, { canvas, ctx, draw, width: 0, height: 0, dirty: true });
    this.#schedule();
    return () => {
      if (this.#layers.get(name)?.canvas === canvas) this.#layers.delete(name);
    };
  }

  /** Sets a layer's CSS size (from a ResizeObserver); redraws it. */
  resize(name: LayerName, width: number, height: number): void {
    const layer = this.#layers.get(name);
    if (!layer || (layer.width === width && layer.height === height)) return;
    const ratio = window.devicePixelRatio || 1;
    layer.width = width;
    layer.height = height;
    layer.canvas.width = Math.max(1, Math.round(width * ratio));
    layer.canvas.height = Math.max(1, Math.round(height * ratio));
    // CSSOM, not a style attribute: the CSP allows no inline style attributes.
    layer.canvas.style.width = `${width}px`;
    layer.canvas.style.height = `${height}px`;
    layer.dirty = true;
    this.#schedule();
  }

  invalidate(...names: LayerName[]): void {
    for (const name of names) {
      const layer = this.#layers.get(name);
      if (layer) layer.dirty = true;
    }
    this.#schedule();
  }

  invalidateAll(): void {
    for (const layer of this.#layers.values()) layer.dirty = true;
    this.#schedule();
  }

  /** Draws every dirty layer now (the animation frame calls it; tests may too). */
  drawNow(): void {
    this.#frame = 0;
    const start = performance.now();
    let drewGrid = false;
    let drewNotes = false;
    let notes = 0;
    let any = false;
    for (const [name, layer] of this.#layers) {
      if (!layer.dirty || layer.width === 0 || layer.height === 0) continue;
      layer.dirty = false;
      any = true;
      const ratio = layer.canvas.width / layer.width;
      layer.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      const drawn = layer.draw(layer.ctx, layer.width, layer.height);
      if (name === 'grid') drewGrid = true;
      if (name === 'notes') {
        drewNotes = true;
        notes = typeof drawn === 'number' ? drawn : 0;
      }
    }
    if (any) this.stats.recordFrame(performance.now() - start, drewGrid && drewNotes, notes);
  }

  dispose(): void {
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.#layers.clear();
  }

  #schedule(): void {
    // Without a window (unit tests of the controller) nothing is drawn.
    if (this.#frame || typeof requestAnimationFrame === 'undefined') return;
    this.#frame = requestAnimationFrame(() => this.drawNow());
  }
}
