import type { TokenModelConfig } from '../../model/token_model.ts';
import { weightNamesFor, weightShapesFor } from '../../model/token_model.ts';

/** Where each weight sits in a flat float32 buffer of all weights (`weightNamesFor` order). */
export interface FlatLayout {
  names: string[];
  shapes: Record<string, number[]>;
  offsets: Record<string, number>;
  sizes: Record<string, number>;
  /** Floats in all. */
  total: number;
}

/** The flat layout of a model's weights (and of its gradients). */
export function flatLayout(config: TokenModelConfig): FlatLayout {
  const names = weightNamesFor(config);
  const shapes = weightShapesFor(config);
  const offsets: Record<string, number> = {};
  const sizes: Record<string, number> = {};
  let total = 0;
  for (const name of names) {
    offsets[name] = total;
    sizes[name] = shapes[name].reduce((a, b) => a * b, 1);
    total += sizes[name];
  }
  return { names, shapes, offsets, sizes, total };
}

/** Views of one weight each into a flat buffer (no copies). */
export function flatViews(layout: FlatLayout, buffer: Float32Array): Record<string, Float32Array> {
  return Object.fromEntries(
    layout.names.map((name) => [
      name,
      buffer.subarray(layout.offsets[name], layout.offsets[name] + layout.sizes[name]),
    ]),
  );
}
