/**
 * Generation API: load a model folder, prime it with a seed, sample continuations (several
 * variations in one batch, streamed and cancellable), decode and write them.
 *
 *   const model = await loadGenerationModel(dir);
 *   const generator = new TokenGenerator(model);
 *   const result = await generator.generate({ seed: await readSeedFile('a.abc'), length: '16bars', variations: 4 });
 *   await writeOutputs('out.abc', result.variations.map((v) => decodeVariation(model.codec, v)));
 */
export {
  GenerationError,
  generateStream,
  TokenGenerator,
  variationRng,
  type GenerateOptions,
  type GenerationEvent,
  type GenerationResult,
  type GenerationStream,
  type PrimedState,
  type StopReason,
  type VariationTokens,
} from './generator.ts';
export { loadGenerationModel, ModelLoadError, type GenerationModel } from './load_model.ts';
export { LengthSyntaxError, parseLength, type GenerationLength } from './length.ts';
export { readSeedFile, SeedError } from './seed.ts';
export {
  decodeTokens,
  decodeVariation,
  numberedPaths,
  OutputError,
  outputFormatOf,
  StreamingDecoder,
  writeOutputs,
  type DecodedPart,
  type DecodedVariation,
  type OutputFormat,
} from './outputs.ts';
export { ConstraintError, parseScale } from './constraints.ts';
