import { describe, expect, it } from 'vitest';
import { TokenGenerator } from '../../src/main/engine/generate/generator.ts';
import { decodeVariation } from '../../src/main/engine/generate/outputs.ts';
import { takeQuality } from '../../src/main/engine/quality/take_quality.ts';
import { NoveltyIndex } from '../../src/main/engine/quality/novelty_index.ts';
import { melodyLine } from '../../src/main/engine/quality/melody.ts';
import { GenerationFinishedSchema } from '../../src/shared/ipc/index.ts';
import { wireSequence } from '../../src/main/engine/host/studio/wire_music.ts';
import { randomModel } from './generate_fixtures.ts';

describe('take quality line', () => {
  it('measures each take of an untrained performance model: valid, in key, its longest copy', async () => {
    const model = randomModel('performance', [32]);
    const result = await new TokenGenerator(model).generate({ variations: 2, length: '30s', rngSeed: 4 });
    const decoded = result.variations.map((v) => decodeVariation(model.codec, v));
    // The first take is the "training set": the second copies nothing of it, the first all of it.
    const index = NoveltyIndex.build([
      { name: 'take one', line: melodyLine(decoded[0].continuation.sequence) },
    ]);
    expect(melodyLine(decoded[0].continuation.sequence).length).toBeGreaterThan(8);
    const [own, other] = decoded.map((d) => takeQuality(d, model, index));
    expect(own?.valid).toBe(true);
    expect(own?.longestRun).toBe(melodyLine(decoded[0].continuation.sequence).length);
    expect(own?.longestRunPiece).toBe('take one');
    expect(own?.text).toMatch(/^valid · \d+% in key · longest copy \d+ notes \(take one\)$/);
    expect(other?.longestRun).toBeLessThan(8);
    // It travels in the generation.finished event.
    const event = {
      jobId: 'job-1',
      outcome: 'done',
      seconds: 1,
      variations: decoded.map((d, i) => ({
        variation: i,
        sequence: wireSequence(d.full.sequence),
        abc: null,
        tokens: d.full.tokens.length,
        quality: i === 0 ? own : other,
      })),
    };
    expect(GenerationFinishedSchema.safeParse(event).success).toBe(true);
  });
});
