import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, type Dataset } from '../../src/main/engine/datasets/index.ts';
import { HAS_SHARED_DATA, sharedData } from '../helpers/data.ts';

const GOOD_MIDI = sharedData(
  'maestro',
  '2004',
  'MIDI-Unprocessed_SMF_02_R1_2004_01-05_ORIG_MID--AUDIO_02_R1_2004_05_Track05_wav.midi',
);

const GOOD_ABC = `X:1
T:Good Tune
M:6/8
L:1/8
K:G
GAB c2d|edc BAG|GAB c2d|ed^c d3|]
`;

const NO_KEY_ABC = `X:1
T:No Key Line
M:4/4
L:1/8
ABcd efga|
`;

const UNKNOWN_DECORATION_ABC = `X:7
T:Odd Decoration
M:4/4
L:1/8
K:D
!wibble!A2 FA dAFA|d2 fd AdFA|]
`;

/** A format-0 MIDI file with a tempo and end of track but no notes. */
function midiWithoutNotes(): Uint8Array {
  const track = [0x00, 0xff, 0x51, 0x03, 0x07, 0xa1, 0x20, 0x00, 0xff, 0x2f, 0x00];
  return Uint8Array.from([
    ...[0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xe0],
    ...[0x4d, 0x54, 0x72, 0x6b, 0, 0, 0, track.length],
    ...track,
  ]);
}

describe.skipIf(!HAS_SHARED_DATA)('bad input beside good files', () => {
  let dir: string;
  let dataset: Dataset;
  const file = (name: string): string => path.join(dir, name);
  const errorsOf = (name: string) => dataset.errors.filter((issue) => issue.file === file(name));

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'continuo-bad-'));
    const good = await readFile(GOOD_MIDI);
    await writeFile(file('empty.mid'), new Uint8Array(0));
    await writeFile(file('truncated.mid'), good.subarray(0, Math.floor(good.length / 3)));
    await writeFile(file('random.mid'), randomBytes(4096));
    await writeFile(file('no_notes.mid'), midiWithoutNotes());
    await writeFile(file('no_key.abc'), NO_KEY_ABC);
    await writeFile(file('decoration.abc'), UNKNOWN_DECORATION_ABC);
    await writeFile(file('good.abc'), GOOD_ABC);
    await writeFile(file('garbage_50mb.MID'), randomBytes(50 * 1024 * 1024));
    dataset = await openDataset([dir, GOOD_MIDI], { codec: 'performance', cache: false });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('imports the good files', () => {
    expect(dataset.stats.files).toBe(9);
    const imported = new Set(dataset.items.map((item) => item.file));
    expect(imported.has(GOOD_MIDI)).toBe(true);
    expect(imported.has(file('good.abc'))).toBe(true);
    expect(dataset.items.find((item) => item.file === GOOD_MIDI)!.notes).toBeGreaterThan(1000);
  });

  it('reports a zero-byte file', () => {
    expect(errorsOf('empty.mid').map((e) => e.reason)).toEqual(['empty file (0 bytes)']);
  });

  it('reports a truncated MIDI file', () => {
    expect(errorsOf('truncated.mid')).toHaveLength(1);
    expect(errorsOf('truncated.mid')[0].reason).toMatch(/\w{4}/);
  });

  it('reports random bytes named .mid', () => {
    expect(errorsOf('random.mid')).toHaveLength(1);
    expect(errorsOf('random.mid')[0].reason).toMatch(/\w{4}/);
  });

  it('reports a MIDI file without notes', () => {
    expect(errorsOf('no_notes.mid')).toHaveLength(1);
    expect(errorsOf('no_notes.mid')[0].reason).toMatch(/note/i);
  });

  it('reports an ABC tune without a K: line, naming the tune', () => {
    const errors = errorsOf('no_key.abc');
    expect(errors).toHaveLength(1);
    expect(errors[0].item).toBe(1);
    expect(errors[0].reason).toMatch(/K:/);
  });

  it('keeps a tune with an unknown decoration, with a warning', () => {
    expect(errorsOf('decoration.abc')).toEqual([]);
    expect(dataset.items.some((item) => item.file === file('decoration.abc') && item.item === 7)).toBe(true);
    const warnings = dataset.warnings.filter((w) => w.file === file('decoration.abc'));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.map((w) => w.reason).join(' ')).toMatch(/wibble|decoration/i);
  });

  it('reports a 50 MB garbage file (extension in capitals)', () => {
    expect(errorsOf('garbage_50mb.MID')).toHaveLength(1);
  });

  it('lists a missing path as an error and goes on', async () => {
    const again = await openDataset([file('good.abc'), file('missing.mid')], {
      codec: 'performance',
      cache: false,
    });
    expect(again.items).toHaveLength(1);
    expect(again.errors).toEqual([{ file: file('missing.mid'), severity: 'error', reason: 'not found' }]);
  });
});
