/** Architecture of a token model: stacked LSTM layers over one-hot tokens, then a softmax. */
export interface ModelArchitecture {
  /** Units of each LSTM layer, bottom first. */
  layers: number[];
  /** Dropout rate after each LSTM layer while training (0 = none). */
  dropout: number;
}

/** Named sizes offered in the UI and CLI. Any other size works too (`customArchitecture`). */
export const PRESETS = {
  /** Quick experiments: 2 x 128. */
  sketch: { layers: [128, 128], dropout: 0.1 },
  /** The default: 2 x 256. */
  standard: { layers: [256, 256], dropout: 0.2 },
  /** Bigger corpora: 3 x 512. */
  large: { layers: [512, 512, 512], dropout: 0.3 },
} as const satisfies Record<string, ModelArchitecture>;

/** Name of a built-in preset. */
export type PresetName = keyof typeof PRESETS;

/** A copy of a preset's architecture. */
export function presetArchitecture(name: PresetName): ModelArchitecture {
  const preset = PRESETS[name];
  if (!preset)
    throw new Error(`Unknown model preset "${String(name)}" (known: ${Object.keys(PRESETS).join(', ')})`);
  return { layers: [...preset.layers], dropout: preset.dropout };
}

/** An architecture of `layerCount` layers of `units` each; validates the numbers. */
export function customArchitecture(layerCount: number, units: number, dropout = 0.2): ModelArchitecture {
  if (!Number.isInteger(layerCount) || layerCount < 1 || layerCount > 8) {
    throw new Error(`Layer count must be an integer from 1 to 8, got ${layerCount}`);
  }
  if (!Number.isInteger(units) || units < 1 || units > 4096) {
    throw new Error(`Units per layer must be an integer from 1 to 4096, got ${units}`);
  }
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`Dropout must be in [0, 1), got ${dropout}`);
  return { layers: new Array<number>(layerCount).fill(units), dropout };
}
