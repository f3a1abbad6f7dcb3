import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodecName } from '../../main/engine/codecs/codec.ts';
import type { BackendName } from '../../main/engine/model/backend.ts';
import { trainModel } from '../../main/engine/train/session.ts';
import type { Benchmark, BenchFigures } from './benchmark.ts';

/** The shared datasets beside the repository (override with $CONTINUO_SHARED_DATA). */
function sharedData(...parts: string[]): string {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  return path.join(process.env.CONTINUO_SHARED_DATA ?? path.resolve(repo, '../shared/data'), ...parts);
}

/**
 * Fixed budget: sketch preset, batch 32 x 64, seed 0, default augmentation. The jigs are small
 * (an epoch is about 24 steps), so they get several full epochs; MAESTRO one capped epoch.
 */
const BUDGET: Array<{
  label: string;
  codec: CodecName;
  data: string[];
  epochs: number;
  stepsPerEpoch?: number;
}> = [
  { label: 'jigs (abc)', codec: 'abc', data: ['nottingham', 'ABC_original', 'jigs.abc'], epochs: 6 },
  {
    label: 'maestro-2004 (performance)',
    codec: 'performance',
    data: ['maestro', '2004'],
    epochs: 1,
    stepsPerEpoch: 150,
  },
];

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Validation NLL per token after a fixed short training budget on two real datasets. */
export const benchmark: Benchmark = {
  name: 'validation-nll',
  description:
    'Validation NLL/token (nats) after N steps of the sketch preset (batch 32 x 64) on jigs and MAESTRO 2004',
  reference: 'chance = ln(vocabulary size); lower is better',
  async run(): Promise<BenchFigures> {
    const figures: BenchFigures = {};
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'continuo-bench-nll-'));
    try {
      for (const job of BUDGET) {
        const source = sharedData(...job.data);
        if (!existsSync(source)) throw new Error(`${source} not found`);
        const started = performance.now();
        const result = await trainModel({
          paths: [source],
          codec: job.codec,
          outDir: path.join(tmp, job.codec),
          preset: 'sketch',
          epochs: job.epochs,
          stepsPerEpoch: job.stepsPerEpoch,
          backend: process.env.CONTINUO_BACKEND as BackendName | undefined,
        });
        const last = result.history.at(-1);
        figures.backend = result.backend;
        figures[`${job.label} steps`] = result.step;
        figures[`${job.label} val NLL/token`] = round(last?.valLoss ?? NaN);
        figures[`${job.label} chance ln(V)`] = round(Math.log(result.vocabSize));
        figures[`${job.label} val accuracy`] = round(last?.valAccuracy ?? NaN);
        figures[`${job.label} train tokens/s`] = last?.tokensPerSec ?? 0;
        figures[`${job.label} seconds (incl. import)`] = round((performance.now() - started) / 1000, 1);
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return figures;
  },
};
