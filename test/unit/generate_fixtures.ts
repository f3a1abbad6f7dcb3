/** Small models with random weights for generation tests (not a test file itself). */
import { readFileSync } from 'node:fs';
import type { CodecName, Token } from '../../src/main/engine/codecs/codec.ts';
import { createCodec } from '../../src/main/engine/codecs/registry.ts';
import { Vocabulary } from '../../src/main/engine/codecs/vocabulary.ts';
import type { GenerationModel } from '../../src/main/engine/generate/load_model.ts';
import type { ModelMeta } from '../../src/main/engine/model/meta.ts';
import { saveModelFolder } from '../../src/main/engine/model/serialize.ts';
import {
  weightShapesFor,
  type TokenModelConfig,
  type WeightData,
} from '../../src/main/engine/model/token_model.ts';
import { parseAbcText } from '../../src/main/engine/music/abc/index.ts';
import { Rng } from '../../src/main/engine/random/rng.ts';

/** Random weights, uniform in +-scale*sqrt(6/(fan_in+fan_out)); biases small random. */
export function randomWeights(config: TokenModelConfig, seed = 1, scale = 2): Record<string, WeightData> {
  const rng = new Rng(seed);
  const weights: Record<string, WeightData> = {};
  for (const [name, shape] of Object.entries(weightShapesFor(config))) {
    const size = shape.reduce((a, b) => a * b, 1);
    const limit = shape.length === 2 ? scale * Math.sqrt(6 / (shape[0] + shape[1])) : 0.5;
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = (rng.next() * 2 - 1) * limit;
    weights[name] = { shape, data };
  }
  return weights;
}

/** The tokens of every tune of an ABC file. */
export function abcFileTokens(file: string): Token[][] {
  const codec = createCodec('abc');
  const imported = parseAbcText(readFileSync(file, 'utf8'), file);
  const pieces: Token[][] = [];
  for (const item of imported.items) {
    try {
      pieces.push(codec.encode(item));
    } catch {
      // Tunes the codec cannot encode are skipped, as a dataset would.
    }
  }
  return pieces;
}

/** A random-weight model of `codec` over `pieces`' vocabulary (performance: the fixed one). */
export function randomModel(
  codecName: CodecName,
  layers: number[] = [32, 32],
  pieces: Token[][] = [],
  seed = 1,
): GenerationModel {
  const codec = createCodec(codecName);
  const vocabulary = Vocabulary.forCodec(codec, pieces);
  const config: TokenModelConfig = { vocabSize: vocabulary.size, layers, dropout: 0 };
  return { config, weights: randomWeights(config, seed), codec, vocabulary };
}

/** A meta.json for a model (what training writes). */
export function metaFor(model: GenerationModel, name = 'test model'): ModelMeta {
  const now = new Date(0).toISOString();
  return {
    name,
    codec: {
      name: model.codec.name,
      version: model.codec.version,
      cacheKey: model.codec.cacheKey,
      options: {},
    },
    vocabSize: model.vocabulary.size,
    vocabulary: [...model.vocabulary.tokens],
    config: { ...model.config },
    preset: null,
    parameterCount: Object.values(model.weights).reduce((n, w) => n + w.data.length, 0),
    dataset: null,
    training: {},
    history: [],
    bestValLoss: null,
    backend: 'none',
    appVersion: '0.1.0',
    createdAt: now,
    updatedAt: now,
  };
}

/** Writes a model folder for `model`. */
export async function writeModelFolder(dir: string, model: GenerationModel): Promise<void> {
  await saveModelFolder(dir, model.config, model.weights, metaFor(model));
}
