/** How ABC notation becomes notes: keys, accidentals, lengths, tuplets, ties, chords, repeats, parts. */
import { describe, expect, it } from 'vitest';
import { parseAbcText } from '../../src/main/engine/music/abc/index.ts';
import { expandPartOrder } from '../../src/main/engine/music/abc/repeats.ts';

/** Notes of a one-tune file as [pitch, onset, duration] in quarter notes. */
function play(body: string, header = 'M:4/4\nL:1/4\nK:C'): [number, number, number][] {
  const result = parseAbcText(`X:1\nT:t\n${header}\n${body}\n`, 'test.abc');
  expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
  const seq = result.items[0].sequence;
  const q = (seq.tempos[0]?.qpm ?? 120) / 60;
  const r = (x: number): number => Math.round(x * q * 1000) / 1000;
  return seq.notes.map((n) => [n.pitch, r(n.startTime), r(n.endTime - n.startTime)]);
}

const pitches = (body: string, header?: string): number[] => play(body, header).map((n) => n[0]);

describe('ABC pitches', () => {
  it("reads octaves: C, C c c'", () => {
    expect(pitches("C, C c c'")).toEqual([48, 60, 72, 84]);
  });
  it('applies the key signature, including modes', () => {
    expect(pitches('F c B', 'L:1/4\nK:D')).toEqual([66, 73, 71]);
    expect(pitches('F c B', 'L:1/4\nK:Dmix')).toEqual([66, 72, 71]);
    expect(pitches('F c B', 'L:1/4\nK:Ador')).toEqual([66, 72, 71]);
    expect(pitches('B E', 'L:1/4\nK:Bb')).toEqual([70, 63]);
    expect(pitches('B E', 'L:1/4\nK:Gm')).toEqual([70, 63]);
  });
  it('carries an accidental to the end of the bar, same letter and octave only (ABC 2.1)', () => {
    expect(pitches('^F F f | F')).toEqual([66, 66, 77, 65]);
    expect(pitches('_B =B B | B', 'L:1/4\nK:F')).toEqual([70, 71, 71, 70]);
  });
  it("carries it into other octaves with accidentalScope 'letter' (abc2midi)", () => {
    const r = parseAbcText('X:1\nL:1/4\nK:C\n^F f | f\n', 'x.abc', { accidentalScope: 'letter' });
    expect(r.items[0].sequence.notes.map((n) => n.pitch)).toEqual([66, 78, 77]);
  });
  it('changes key inline and on a K: line in the body', () => {
    expect(pitches('F [K:G] F | F\nK:C\nF')).toEqual([65, 66, 66, 65]);
  });
});

describe('ABC lengths and timing', () => {
  it('uses L:, and the default unit from M: (1/16 below 3/4, else 1/8)', () => {
    expect(play('C2 C/2 C', 'L:1/8\nK:C').map((n) => n[2])).toEqual([1, 0.25, 0.5]);
    expect(play('C', 'M:2/4\nK:C')[0][2]).toBe(0.25);
    expect(play('C', 'M:3/4\nK:C')[0][2]).toBe(0.5);
  });
  it('reads broken rhythm > < >>', () => {
    expect(play('C>D C<D C>>D', 'L:1/8\nK:C').map((n) => n[2])).toEqual([
      0.75, 0.25, 0.25, 0.75, 0.875, 0.125,
    ]);
  });
  it('reads tuplets (3 and (p:q:r', () => {
    const t = play('(3CDE F (3:2:4CDEF', 'L:1/8\nK:C');
    expect(t.map((n) => n[1])).toEqual([0, 0.333, 0.667, 1, 1.5, 1.833, 2.167, 2.5]);
  });
  it('joins tied notes into one, also across a bar line, and keeps the accidental', () => {
    expect(play('C2- C D | ^F2- | F2')).toEqual([
      [60, 0, 3],
      [62, 3, 1],
      [66, 4, 4],
    ]);
  });
  it('plays chords together and skips rests, grace notes and chord symbols', () => {
    expect(play('[CEG] z {ga}"Am"A')).toEqual([
      [60, 0, 1],
      [64, 0, 1],
      [67, 0, 1],
      [69, 2, 1],
    ]);
  });
  it('uses Q: for the tempo, else 120 qpm', () => {
    const r = parseAbcText('X:1\nQ:1/4=90\nL:1/4\nK:C\nC D\n', 'x.abc');
    expect(r.items[0].sequence.tempos[0].qpm).toBe(90);
    expect(r.items[0].sequence.notes[1].startTime).toBeCloseTo(60 / 90);
    expect(parseAbcText('X:1\nL:1/4\nK:C\nC\n', 'x.abc').items[0].sequence.tempos[0].qpm).toBe(120);
  });
});

describe('ABC repeats and parts', () => {
  it('repeats |: :| and from the start when there is no |:', () => {
    expect(pitches('C D :| E F :|')).toEqual([60, 62, 60, 62, 64, 65, 64, 65]);
    expect(pitches('C |: D E :| F')).toEqual([60, 62, 64, 62, 64, 65]);
  });
  it('plays :: as the end of one repeat and the start of the next', () => {
    expect(pitches('|: C :: D :|')).toEqual([60, 60, 62, 62]);
  });
  it('plays first and second endings |1 :|2 and [1 [2', () => {
    expect(pitches('|: C |1 D :|2 E |]')).toEqual([60, 62, 60, 64]);
    expect(pitches('|: C [1 D :| [2 E |]')).toEqual([60, 62, 60, 64]);
  });
  it('repeats from a double bar, and from the end of a second ending', () => {
    expect(pitches('C :| D || E :|')).toEqual([60, 60, 62, 64, 64]);
    expect(pitches('|: C |1 D :|2 E | F :|')).toEqual([60, 62, 60, 64, 65, 65]);
  });
  it('plays parts in the order of the header P:', () => {
    expect(pitches('P:A\nC D|\nP:B\nE F|', 'P:ABA\nL:1/4\nK:C')).toEqual([60, 62, 64, 65, 60, 62]);
    expect(expandPartOrder('A2(BC)2.D')).toEqual(['A', 'A', 'B', 'C', 'B', 'C', 'D']);
  });
});
