import { openDataset, splitTokenLists } from '../datasets/index.ts';
import { Vocabulary } from '../codecs/vocabulary.ts';
import { initBackend, type BackendName } from '../model/backend.ts';
import { parseModelMeta } from '../model/meta.ts';
import { loadModel } from '../model/serialize.ts';
import { encodeSegments } from './data.ts';
import { measureWindows } from './metrics.ts';
import type { EvalResult } from './types.ts';
import { evaluationWindows } from './windows.ts';

/** Options of `evaluateModel`. */
export interface EvaluateOptions {
  /** Window length; default: the model's training `seqLen` (64 when unknown). */
  seqLen?: number;
  /** Windows per batch; default 32. */
  batchSize?: number;
  /** Cap on windows (evenly spread); default: all. */
  maxWindows?: number;
  backend?: BackendName;
  cache?: boolean;
  cacheDir?: string;
  splitCsv?: string | null;
  /** 'all': every item, for a held-out folder measured whole (default 'validation'). */
  split?: 'validation' | 'all';
}

/**
 * Next-token NLL (natural log), perplexity and accuracy of a model folder on the validation
 * split of `paths` (all items when they have no validation split, or with `split: 'all'`). The items are encoded
 * with the model's own codec and vocabulary; tokens outside it are counted as unknown and
 * skipped (no window spans them).
 */
export async function evaluateModel(
  modelDir: string,
  paths: readonly string[],
  options: EvaluateOptions = {},
): Promise<EvalResult> {
  const backend = await initBackend(options.backend);
  const { model, meta: raw } = await loadModel(modelDir);
  try {
    const meta = parseModelMeta(raw, `${modelDir}/meta.json`);
    const dataset = await openDataset(paths, {
      codec: { name: meta.codec.name, options: meta.codec.options },
      cache: options.cache,
      cacheDir: options.cacheDir,
      splitCsv: options.splitCsv,
    });
    if (dataset.items.length === 0)
      throw new Error(`No music found in ${paths.join(', ')}: nothing to evaluate`);
    let split: EvalResult['split'] = 'validation';
    let lists = options.split === 'all' ? [] : splitTokenLists(dataset, 'validation');
    if (lists.length === 0) {
      split = 'all';
      lists = dataset.items.map((item) => (item.tokens ? item.tokens.split(' ') : []));
    }
    const vocabulary = new Vocabulary(meta.codec.name, meta.codec.version, meta.vocabulary);
    const { segments, unknown } = encodeSegments(vocabulary, lists);
    const trainedSeqLen = typeof meta.training.seqLen === 'number' ? meta.training.seqLen : 64;
    const windows = evaluationWindows(segments, options.seqLen ?? trainedSeqLen, options.maxWindows);
    if (windows.length === 0)
      throw new Error(`No tokens of ${paths.join(', ')} are in the model's vocabulary: nothing to evaluate`);
    const metrics = await measureWindows(model, windows, options.batchSize ?? 32);
    return {
      tokens: metrics.tokens,
      nllPerToken: metrics.nll,
      perplexity: metrics.perplexity,
      accuracy: metrics.accuracy,
      unknownTokens: unknown,
      split,
      backend: backend.name,
    };
  } finally {
    model.dispose();
  }
}
