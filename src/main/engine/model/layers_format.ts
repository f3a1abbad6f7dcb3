import { z } from 'zod';
import { bytesPerValue, type WeightQuantization } from './float16.ts';
import type { TokenModelConfig } from './token_model.ts';
import { weightNamesFor, weightShapesFor } from './token_model.ts';

/**
 * model.json as a standard TensorFlow.js Layers model: `modelTopology` (a Keras Sequential:
 * one-hot tokens [batch, time, vocab] -> LSTM x N (each followed by its dropout) -> Dense
 * softmax) and `weightsManifest` (float32 weights back to back in weights.bin, under the
 * Keras names). `tf.loadLayersModel` reads it as is, `tensorflowjs_converter` turns it into a
 * Keras model. Continuo's own reading of the shapes rides along in `userDefinedMetadata`.
 *
 * Folders written before (format "continuo-lstm-token-model", version 1: config plus
 * weights with byte offsets) are still read, and rewritten in this format when opened.
 */

/** The marker of the first, Continuo-only layout. */
export const LEGACY_FORMAT = 'continuo-lstm-token-model';
/** Version of Continuo's part of model.json. */
export const MODEL_FORMAT_VERSION = 2;

/** One weight of weights.bin: where it starts, and its shape. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
  /** Stored as float16 (the manifest's `quantization`), decoded to float32 on load. */
  quantization?: WeightQuantization;
  /** Byte offset in weights.bin. */
  offset: number;
}

/** Bytes a weight takes in weights.bin. */
export function weightByteLength(spec: Pick<WeightSpec, 'shape' | 'quantization'>): number {
  return spec.shape.reduce((a, b) => a * b, 1) * bytesPerValue(spec.quantization);
}

const ConfigSchema = z.object({
  vocabSize: z.number().int().min(2),
  layers: z.array(z.number().int().positive()).min(1),
  dropout: z.number().min(0).max(1).default(0),
});

const ShapeSchema = z.array(z.number().int().nonnegative());

const LegacySchema = z.object({
  format: z.literal(LEGACY_FORMAT),
  formatVersion: z.number().int().max(1),
  config: ConfigSchema,
  weights: z
    .array(z.object({ name: z.string(), shape: ShapeSchema, offset: z.number().int().nonnegative() }))
    .min(1),
});

/** The layers of a Sequential topology, as far as a token model needs them. */
const TopologySchema = z.object({
  class_name: z.literal('Sequential'),
  config: z.object({
    layers: z.array(
      z.object({
        class_name: z.string(),
        config: z
          .object({
            units: z.number().int().positive().optional(),
            rate: z.number().optional(),
            batch_input_shape: z.array(z.number().nullable()).optional(),
          })
          .passthrough(),
      }),
    ),
  }),
});

const LayersSchema = z.object({
  format: z.literal('layers-model'),
  modelTopology: z.object({ class_name: z.string(), config: z.unknown() }),
  weightsManifest: z
    .array(
      z.object({
        paths: z.array(z.string()),
        weights: z.array(
          z.object({
            name: z.string(),
            shape: ShapeSchema,
            dtype: z.literal('float32'),
            quantization: z.object({ dtype: z.literal('float16') }).optional(),
          }),
        ),
      }),
    )
    .length(1),
  // Absent in a model trained elsewhere (Keras, then tensorflowjs_converter): read from the topology.
  userDefinedMetadata: z
    .object({
      continuo: z.object({ formatVersion: z.number().int().positive(), config: ConfigSchema }).optional(),
    })
    .passthrough()
    .optional(),
});

/**
 * The config of a Sequential [LSTM (Dropout)]... Dense(vocab) topology, e.g. of a Keras model
 * converted with tensorflowjs_converter; an Error for any other architecture.
 */
function configFromTopology(topology: unknown, where: string): TokenModelConfig {
  const parsed = TopologySchema.safeParse(topology);
  if (!parsed.success)
    throw new Error(`${where}: modelTopology is not a Sequential model (${issueText(parsed.error)})`);
  const layers = parsed.data.config.layers.filter((layer) => layer.class_name !== 'InputLayer');
  const lstms = layers.filter((layer) => layer.class_name === 'LSTM').map((layer) => layer.config.units ?? 0);
  const dense = layers.at(-1);
  const rates = layers
    .filter((layer) => layer.class_name === 'Dropout')
    .map((layer) => layer.config.rate ?? 0);
  const known = layers.every((layer) => ['LSTM', 'Dropout', 'Dense'].includes(layer.class_name));
  if (!known || lstms.length === 0 || dense?.class_name !== 'Dense' || !dense.config.units)
    throw new Error(`${where}: not a token model (LSTM layers, then one Dense softmax layer)`);
  return { vocabSize: dense.config.units, layers: lstms, dropout: rates[0] ?? 0 };
}

/**
 * A weight name as Continuo calls it: Keras may put the cell in the path
 * ("lstm_0/lstm_cell/kernel") or a ":0" at the end.
 */
function continuoName(name: string): string {
  return name.replace(/:\d+$/, '').replace(/\/lstm_cell(_\d+)?\//, '/');
}

/** What a model.json says about the weights, whichever layout it has. */
export interface ParsedModelJson {
  config: TokenModelConfig;
  specs: WeightSpec[];
  /** Written in the first layout: rewrite it (`layersModelJson`). */
  legacy: boolean;
  /** The weights file, beside model.json. */
  weightsFile: string;
}

/** Validates model.json (either layout); throws an Error naming the first problem. */
export function parseModelJson(value: unknown, where = 'model.json'): ParsedModelJson {
  const format =
    typeof value === 'object' && value !== null ? (value as { format?: unknown }).format : undefined;
  if (format === LEGACY_FORMAT) {
    const legacy = LegacySchema.safeParse(value);
    if (!legacy.success) throw new Error(`${where}: ${issueText(legacy.error)}`);
    return {
      config: legacy.data.config,
      specs: legacy.data.weights.map((w) => ({ ...w, dtype: 'float32' })),
      legacy: true,
      weightsFile: 'weights.bin',
    };
  }
  if (format !== 'layers-model')
    throw new Error(`${where}: not a Continuo model (format "${String(format ?? '')}")`);
  const parsed = LayersSchema.safeParse(value);
  if (!parsed.success) throw new Error(`${where}: ${issueText(parsed.error)}`);
  const continuo = parsed.data.userDefinedMetadata?.continuo;
  if (continuo && continuo.formatVersion > MODEL_FORMAT_VERSION)
    throw new Error(
      `${where}: format version ${continuo.formatVersion} is newer than this Continuo supports (${MODEL_FORMAT_VERSION})`,
    );
  const group = parsed.data.weightsManifest[0];
  if (group.paths.length !== 1)
    throw new Error(`${where}: the weights must be in one file (found ${group.paths.length})`);
  let offset = 0;
  const specs = group.weights.map((w) => {
    const spec: WeightSpec = { ...w, name: continuoName(w.name), offset };
    offset += weightByteLength(w);
    return spec;
  });
  return {
    config: continuo?.config ?? configFromTopology(parsed.data.modelTopology, where),
    specs,
    legacy: false,
    weightsFile: group.paths[0],
  };
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.join('.') || '(root)'}: ${issue.message}`;
}

/** The Keras layer configs of a token model, as tfjs-layers writes them. */
function topology(config: TokenModelConfig): object {
  const lstm = (l: number, units: number) => ({
    class_name: 'LSTM',
    config: {
      name: `lstm_${l}`,
      trainable: true,
      ...(l === 0 ? { batch_input_shape: [null, null, config.vocabSize] } : {}),
      dtype: 'float32',
      units,
      activation: 'tanh',
      recurrent_activation: 'sigmoid',
      use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      recurrent_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} },
      unit_forget_bias: true,
      dropout: 0,
      recurrent_dropout: 0,
      implementation: 2,
      return_sequences: true,
      return_state: false,
      go_backwards: false,
      stateful: false,
      unroll: false,
    },
  });
  const layers = config.layers.flatMap((units, l) => [
    lstm(l, units),
    { class_name: 'Dropout', config: { name: `dropout_${l}`, trainable: true, rate: config.dropout } },
  ]);
  layers.push({
    class_name: 'Dense',
    config: {
      name: 'dense',
      trainable: true,
      units: config.vocabSize,
      activation: 'softmax',
      use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} },
    },
  } as never);
  return {
    class_name: 'Sequential',
    config: { name: 'continuo_token_model', layers },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js',
  };
}

/**
 * model.json of a token model in the Layers format, weights in `weightNamesFor` order in
 * weights.bin (as float16 with `quantization`).
 */
export function layersModelJson(
  config: TokenModelConfig,
  generatedBy: string,
  quantization?: WeightQuantization,
): object {
  const shapes = weightShapesFor(config);
  const clean = { vocabSize: config.vocabSize, layers: [...config.layers], dropout: config.dropout };
  return {
    format: 'layers-model',
    generatedBy,
    convertedBy: null,
    modelTopology: topology(clean),
    weightsManifest: [
      {
        paths: ['weights.bin'],
        weights: weightNamesFor(clean).map((name) => ({
          name,
          shape: [...shapes[name]],
          dtype: 'float32',
          ...(quantization ? { quantization: { ...quantization } } : {}),
        })),
      },
    ],
    userDefinedMetadata: { continuo: { formatVersion: MODEL_FORMAT_VERSION, config: clean } },
  };
}
