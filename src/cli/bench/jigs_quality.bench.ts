import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendName } from '../../main/engine/model/backend.ts';
import { startTraining } from '../../main/engine/train/session.ts';
import { evaluateQuality } from '../../main/engine/quality/evaluate_quality.ts';
import type { QualitySummary } from '../../main/engine/quality/report.ts';
import type { Benchmark, BenchFigures, BenchRunOptions } from './benchmark.ts';

/** The shared datasets beside the repository (override with $CONTINUO_SHARED_DATA). */
function sharedData(...parts: string[]): string {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  return path.join(process.env.CONTINUO_SHARED_DATA ?? path.resolve(repo, '../shared/data'), ...parts);
}

/** Default training budget, in minutes (the figure is 10). */
const DEFAULT_MINUTES = 3;
/** Tunes generated and assessed. */
const TUNES = 50;

const round = (x: number | null, digits = 3): number | string =>
  x === null ? '-' : Math.round(x * 10 ** digits) / 10 ** digits;

function figuresOf(prefix: string, summary: QualitySummary, figures: BenchFigures): void {
  figures[`${prefix} pieces`] = summary.pieces;
  figures[`${prefix} valid share`] = round(summary.validShare);
  figures[`${prefix} abc2midi clean`] =
    summary.abc2midiClean === null ? '-' : `${summary.abc2midiClean}/${summary.abc2midiChecked}`;
  figures[`${prefix} bad inner bar share`] = round(summary.badInnerBarShare);
  figures[`${prefix} with a hanging note`] = summary.hanging;
  figures[`${prefix} 8-grams found in training`] = round(summary.ngramFoundShare);
  figures[`${prefix} longest copied run (notes)`] = summary.longestRun?.notes ?? 0;
  figures[`${prefix} median longest run (notes)`] = summary.medianLongestRun ?? '-';
  figures[`${prefix} in-key share`] = round(summary.inKeyShare);
  figures[`${prefix} pitch range`] = summary.range ? `${summary.range.low}-${summary.range.high}` : '-';
}

/**
 * Quality and novelty of 50 jigs from a `standard` model trained for a time budget on
 * Nottingham jigs.abc, beside the held-out split of real jigs.
 */
export const benchmark: Benchmark = {
  name: 'jigs-quality',
  description: `Quality and novelty of ${TUNES} tunes from a standard jigs model (trained --budget minutes, default ${DEFAULT_MINUTES}) beside the held-out real jigs`,
  reference: 'held-out real jigs: the baseline column; the issue asks for 10 minutes of training',
  async run(options: BenchRunOptions = {}): Promise<BenchFigures> {
    const minutes = options.budgetMinutes ?? DEFAULT_MINUTES;
    const source = sharedData('nottingham', 'ABC_original', 'jigs.abc');
    if (!existsSync(source)) throw new Error(`${source} not found`);
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'continuo-bench-quality-'));
    try {
      const modelDir = path.join(tmp, 'jigs');
      const handle = startTraining({
        paths: [source],
        codec: 'abc',
        outDir: modelDir,
        preset: 'standard',
        epochs: 1000,
        backend: process.env.CONTINUO_BACKEND as BackendName | undefined,
      });
      // The budget ends the run after its current step; the folder keeps the best epoch's weights.
      const timer = setTimeout(() => handle.stop(), minutes * 60_000);
      const trained = await handle.done.finally(() => clearTimeout(timer));
      const started = performance.now();
      const evaluation = await evaluateQuality({ modelDir, samples: TUNES, rngSeed: 0 });
      const figures: BenchFigures = {
        'training minutes': minutes,
        epochs: trained.history.length,
        steps: trained.step,
        backend: trained.backend,
        'best val NLL/token': round(
          trained.history.reduce((best, e) => Math.min(best, e.valLoss ?? Infinity), Infinity),
        ),
        'generate + assess seconds': round((performance.now() - started) / 1000, 1),
      };
      figuresOf('generated', evaluation.report.summary, figures);
      if (evaluation.baseline) figuresOf('held-out', evaluation.baseline.summary, figures);
      return figures;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
};
