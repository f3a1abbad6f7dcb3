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
