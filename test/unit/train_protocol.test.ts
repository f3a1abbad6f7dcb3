import { describe, expect, it } from 'vitest';
import { ToTrainerSchema } from '../../src/main/engine/train/protocol.ts';

describe('messages to the training process', () => {
  it('accepts a start request and the control messages', () => {
    const start = {
      type: 'start',
      request: {
        kind: 'train',
        options: { paths: ['/music'], codec: 'abc', outDir: '/models/m', epochs: 2, threads: 2 },
      },
    };
    expect(ToTrainerSchema.parse(start)).toEqual(start);
    for (const type of ['pause', 'resume', 'stop']) expect(ToTrainerSchema.parse({ type })).toEqual({ type });
    expect(ToTrainerSchema.parse({ type: 'yield', busy: true })).toEqual({ type: 'yield', busy: true });
    const resume = {
      type: 'start',
      request: { kind: 'resume', modelDir: '/models/m', overrides: { epochs: 5 } },
    };
    expect(ToTrainerSchema.parse(resume)).toEqual(resume);
  });

  it('refuses malformed messages instead of trusting a cast', () => {
    const bad: unknown[] = [
      null,
      'start',
      { type: 'explode' },
      { type: 'yield' },
      { type: 'start', request: { kind: 'train', options: { paths: [], codec: 'abc', outDir: '/m' } } },
      { type: 'start', request: { kind: 'train', options: { paths: ['/x'], codec: 'midi', outDir: '/m' } } },
      {
        type: 'start',
        request: { kind: 'train', options: { paths: ['/x'], codec: 'abc', outDir: '/m', epochs: -1 } },
      },
      { type: 'start', request: { kind: 'resume' } },
      { type: 'stop', extra: 1 },
    ];
    for (const message of bad)
      expect(ToTrainerSchema.safeParse(message).success, JSON.stringify(message)).toBe(false);
  });
});

describe('the estimate mode message', () => {
  it('accepts a timing request and refuses a malformed one', () => {
    const estimate = {
      type: 'estimate',
      request: { config: { vocabSize: 90, layers: [256, 256], dropout: 0.2 }, batchSize: 32, seqLength: 64 },
    };
    expect(ToTrainerSchema.parse(estimate)).toEqual(estimate);
    const withChoices = { ...estimate, request: { ...estimate.request, backend: 'wasm', threads: 1 } };
    expect(ToTrainerSchema.parse(withChoices)).toEqual(withChoices);
    const bad: unknown[] = [
      { type: 'estimate' },
      { ...estimate, request: { ...estimate.request, batchSize: 0 } },
      { ...estimate, request: { ...estimate.request, config: { vocabSize: 1, layers: [8], dropout: 0 } } },
      { ...estimate, request: { ...estimate.request, config: { vocabSize: 90, layers: [], dropout: 0 } } },
      { ...estimate, request: { ...estimate.request, config: { vocabSize: 90, layers: [8], dropout: 1 } } },
      { ...estimate, request: { ...estimate.request, threads: 3 } },
      { ...estimate, request: { ...estimate.request, backend: 'webgl' } },
    ];
    for (const message of bad)
      expect(ToTrainerSchema.safeParse(message).success, JSON.stringify(message)).toBe(false);
  });
});
