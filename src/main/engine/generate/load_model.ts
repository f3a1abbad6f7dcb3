/**
 * Loading what generation needs from a model folder: weights, meta.json (codec and
 * vocabulary), the codec itself. Plain data only: no TensorFlow.js backend is needed.
 */
import type { Codec } from '../codecs/codec.ts';
import { createCodec, type CodecOptions } from '../codecs/registry.ts';
import { Vocabulary } from '../codecs/vocabulary.ts';
import { parseModelMeta, type ModelMeta } from '../model/meta.ts';
import { readModelFolder } from '../model/serialize.ts';
import type { TokenModelConfig, WeightData } from '../model/token_model.ts';

/** A model ready to generate: architecture, weights, codec and vocabulary. */
export interface GenerationModel {
  config: TokenModelConfig;
  weights: Record<string, WeightData>;
  codec: Codec;
  vocabulary: Vocabulary;
  /** meta.json, when loaded from a folder. */
  meta?: ModelMeta;
}

/** Thrown for a model folder that cannot be used to generate. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

/**
 * Reads a model folder for generation. Throws a ModelLoadError naming the folder and the
 * problem: missing or damaged model.json / weights.bin / meta.json, non-finite weights, a
 * vocabulary that does not match the network.
 */
export async function loadGenerationModel(dir: string): Promise<GenerationModel> {
  let folder: Awaited<ReturnType<typeof readModelFolder>>;
  try {
    folder = await readModelFolder(dir);
  } catch (error) {
    throw new ModelLoadError((error as Error).message);
  }
  let meta: ModelMeta;
  try {
    meta = parseModelMeta(folder.meta, `${dir}/meta.json`);
  } catch (error) {
    throw new ModelLoadError((error as Error).message);
  }
  for (const [name, weight] of Object.entries(folder.weights)) {
    if (!weight.data.every(Number.isFinite))
      throw new ModelLoadError(
        `${dir}/weights.bin: weight ${name} holds NaN or infinite values (damaged file?)`,
      );
  }
  if (meta.vocabulary.length !== folder.config.vocabSize) {
    throw new ModelLoadError(
      `${dir}: meta.json lists ${meta.vocabulary.length} tokens but the network has ${folder.config.vocabSize} outputs`,
    );
  }
  let codec: Codec;
  let vocabulary: Vocabulary;
  try {
    codec = createCodec(meta.codec.name, meta.codec.options as CodecOptions);
    vocabulary = new Vocabulary(codec.name, meta.codec.version, meta.vocabulary);
  } catch (error) {
    throw new ModelLoadError(`${dir}/meta.json: ${(error as Error).message}`);
  }
  if (codec.version !== meta.codec.version) {
    throw new ModelLoadError(
      `${dir}: the model was trained with ${codec.name} codec version ${meta.codec.version}, this Continuo has version ${codec.version}`,
    );
  }
  return { config: folder.config, weights: folder.weights, codec, vocabulary, meta };
}
