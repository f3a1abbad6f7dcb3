/**
 * ABC import on real tune books (Nottingham, O'Neill's 1850), checked against the reference
 * converter abc2midi, plus bad input and the write/read round trips.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  abcTextToMidi,
  abcTuneToText,
  parseAbcText,
  sequenceToAbc,
  writeAbcBook,
} from '../../src/main/engine/music/abc/index.ts';
import type { AbcPlayOptions } from '../../src/main/engine/music/abc/index.ts';
import { midiToNoteSequence } from '../../src/main/engine/music/midi_io.ts';
import type { Note } from '../../src/shared/music/note_sequence.ts';
import type { MusicItem } from '../../src/main/engine/music/music_item.ts';
import {
  type BeatNote,
  type MelodyDiff,
  abc2midiMelodies,
  compareMelodies,
  hasAbc2midi,
  sortNotes,
} from '../helpers/abc2midi.ts';
import { HAS_SHARED_DATA, sharedData } from '../helpers/data.ts';

const NOTTINGHAM = sharedData('nottingham', 'ABC_original');
const ONEILLS = sharedData('oneills1850');

function abcFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.abc'))
    .sort()
    .map((f) => path.join(dir, f));
}

function countX(text: string): number {
  return (text.match(/^X:/gm) ?? []).length;
}

/** Our melody (the first voice) as (pitch, onset in quarter notes). */
function melodyBeats(item: MusicItem): BeatNote[] {
  const qpm = item.sequence.tempos[0]?.qpm ?? 120;
  return sortNotes(
    item.sequence.notes
      .filter((n) => n.instrument === 0)
      .map((n) => ({ pitch: n.pitch, beat: (n.startTime * qpm) / 60 })),
  );
}

/** True when some `:|` follows a 2nd ending (|2, [2, :|2) with no `|:` between them. */
function repeatAfterSecondEnding(body: string): boolean {
  const music = body.replace(/"[^"]*"/g, '');
  const ending = /(\||\[)2/g;
  let match: RegExpExecArray | null;
  while ((match = ending.exec(music))) {
    const rest = music.slice(match.index + 2);
    const close = rest.indexOf(':|');
    if (close >= 0 && !rest.slice(0, close).includes('|:')) return true;
  }
  return false;
}

/** A best guess at why abc2midi and we disagree on a tune. */
function classify(
  tune: MusicItem,
  diff: MelodyDiff,
  agreesWithLetterScope: boolean,
  agreesPlayedStraight: boolean,
): string {
  const headers = tune.abc?.headers ?? [];
  const body = tune.abc?.body ?? '';
  if (agreesPlayedStraight && headers.some((h) => h.field === 'R' && /hornpipe/i.test(h.value))) {
    return 'hornpipe swing: agrees when both play it straight, so our swing rule (swing.ts) differs here';
  }
  if (agreesWithLetterScope) return 'accidental carried across octaves by abc2midi';
  const e = diff.expected;
  const g = diff.got;
  if (
    /~|!trill!|!roll!|!turn!|!mordent!|(^|[\s|])T[A-Ga-g^_=]/m.test(body) &&
    diff.expectedCount > diff.gotCount
  ) {
    return 'ornament (~ roll, T trill) expanded into notes by abc2midi';
  }
  if (diff.expectedCount !== diff.gotCount) {
    if (repeatAfterSecondEnding(body)) {
      return 'a :| after a 2nd ending with no |: of its own: we repeat the music after the ending, abc2midi goes back to the last |: or the start';
    }
    return diff.expectedCount > diff.gotCount
      ? 'abc2midi plays more notes (repeat/ending read differently)'
      : 'abc2midi plays fewer notes (repeat/ending read differently)';
  }
  if (e && g && Math.abs(e.beat - g.beat) < 0.05 && Math.abs(e.pitch - g.pitch) <= 2) {
    return 'accidental read differently (same onset, pitch off by 1-2 semitones)';
  }
  if (e && g && Math.abs(e.beat - g.beat) >= 0.05) return 'rhythm read differently (onset differs)';
  return 'pitch differs';
}

describe.skipIf(!HAS_SHARED_DATA)('ABC import: Nottingham ABC_original', () => {
  it('imports at least 99% of the 1,037 tunes, 340 from jigs.abc, quickly', () => {
    let tunes = 0;
    let imported = 0;
    let ms = 0;
    for (const file of abcFiles(NOTTINGHAM)) {
      const text = readFileSync(file, 'utf8');
      const t0 = performance.now();
      const result = parseAbcText(text, file);
      ms += performance.now() - t0;
      tunes += countX(text);
      imported += result.items.length;
      for (const issue of result.issues.filter((i) => i.severity === 'error')) {
        console.log(`error ${path.basename(file)} X:${issue.item}: ${issue.reason}`);
      }
      if (path.basename(file) === 'jigs.abc') expect(result.items).toHaveLength(340);
      for (const item of result.items) {
        expect(item.sequence.source).toMatchObject({ kind: 'abc', path: file, item: item.abc?.number });
        expect(item.abc?.headers[0]?.field).toBe('X');
      }
    }
    console.log(
      `Nottingham: ${imported}/${tunes} tunes imported (${((100 * imported) / tunes).toFixed(1)}%) in ${ms.toFixed(0)} ms`,
    );
    expect(tunes).toBe(1037);
    expect(imported / tunes).toBeGreaterThanOrEqual(0.99);
  });

  it.skipIf(!hasAbc2midi())(
    'agrees with abc2midi on the unmodified files (hornpipes swung) for at least 90% of tunes',
    () => {
      let total = 0;
      let agree = 0;
      let agreeStraight = 0;
      let agreeUnswung = 0;
      const causes = new Map<string, number>();
      for (const file of abcFiles(NOTTINGHAM)) {
        const text = readFileSync(file, 'utf8');
        const name = path.basename(file);
        total += countX(text);
        const melodies = (options: AbcPlayOptions): Map<number | undefined, BeatNote[]> =>
          new Map(parseAbcText(text, file, options).items.map((i) => [i.abc?.number, melodyBeats(i)]));
        const ours = parseAbcText(text, file, { hornpipeSwing: true });
        const straightOurs = melodies({});
        const letter = melodies({ hornpipeSwing: true, accidentalScope: 'letter' });
        const raw = abc2midiMelodies(file);
        const straight = abc2midiMelodies(file, { straightHornpipes: true });
        for (const item of ours.items) {
          const x = item.abc?.number ?? -1;
          const got = melodyBeats(item);
          const expected = raw.get(x) ?? [];
          const straightAgrees = !compareMelodies(straight.get(x) ?? [], straightOurs.get(x) ?? []);
          if (straightAgrees) agreeStraight++;
          if (!compareMelodies(expected, straightOurs.get(x) ?? [])) agreeUnswung++;
          const diff = compareMelodies(expected, got);
          if (!diff) {
            agree++;
            continue;
          }
          const letterAgrees = !compareMelodies(expected, letter.get(x) ?? []);
          const cause = classify(item, diff, letterAgrees, straightAgrees);
          causes.set(cause, (causes.get(cause) ?? 0) + 1);
          const meter = item.sequence.timeSignatures[0];
          const barBeats = meter ? (meter.numerator * 4) / meter.denominator : 4;
          const at = diff.expected ?? diff.got;
          const bar = at ? Math.floor(at.beat / barBeats) + 1 : 0;
          const show = (n?: BeatNote): string =>
            n ? `pitch ${n.pitch} at beat ${n.beat.toFixed(2)}` : 'nothing';
          console.log(
            `${name} X:${x} "${item.abc?.title}": note #${diff.index} (about bar ${bar}): abc2midi ${show(diff.expected)}, ours ${show(diff.got)}; ` +
              `${diff.expectedCount} vs ${diff.gotCount} notes — ${cause}`,
          );
        }
      }
      const pct = (n: number): string => `${((100 * n) / total).toFixed(1)}%`;
      console.log(
        `abc2midi agreement, unmodified files vs hornpipeSwing: true: ${agree}/${total} = ${pct(agree)}`,
      );
      console.log(
        `(information) R:hornpipe stripped for abc2midi vs our straight import: ${agreeStraight}/${total} = ${pct(agreeStraight)}`,
      );
      console.log(
        `(information) unmodified files vs our straight import: ${agreeUnswung}/${total} = ${pct(agreeUnswung)}`,
      );
      for (const [cause, n] of [...causes].sort((a, b) => b[1] - a[1])) console.log(`  ${n} x ${cause}`);
      expect(agree / total).toBeGreaterThanOrEqual(0.9);
      // The swing accounts for the hornpipes: swung agreement is no worse than the straight one.
      expect(agree).toBeGreaterThanOrEqual(agreeStraight);
    },
  );
});

describe.skipIf(!HAS_SHARED_DATA)("ABC import: O'Neill's 1850", () => {
  it('imports at least 99% of the 2,009 tunes', () => {
    let tunes = 0;
    let imported = 0;
    for (const file of abcFiles(ONEILLS)) {
      const text = readFileSync(file, 'utf8');
      const result = parseAbcText(text, file);
      tunes += countX(text);
      imported += result.items.length;
      for (const issue of result.issues.filter((i) => i.severity === 'error')) {
        console.log(`error ${path.basename(file)} X:${issue.item}: ${issue.reason}`);
      }
    }
    console.log(`O'Neill's: ${imported}/${tunes} tunes imported (${((100 * imported) / tunes).toFixed(1)}%)`);
    expect(tunes).toBe(2009);
    expect(imported / tunes).toBeGreaterThanOrEqual(0.99);
  });
});

describe('ABC import: bad input', () => {
  const good = 'X:2\nT:Good\nM:6/8\nL:1/8\nK:G\nGAB cde|d3 B3:|\n';

  it('gives a clear per-tune error for a tune without K:, and imports the others', () => {
    const result = parseAbcText(`X:1\nT:No key\nM:4/4\nCDEF|\n\n${good}`, 'bad.abc');
    expect(result.items.map((i) => i.abc?.number)).toEqual([2]);
    expect(result.issues).toEqual([
      expect.objectContaining({
        file: 'bad.abc',
        item: 1,
        severity: 'error',
        reason: expect.stringMatching(/K:/),
      }),
    ]);
  });

  it('warns about an unknown decoration and keeps the tune', () => {
    const result = parseAbcText(`X:1\nT:Foo\nL:1/4\nK:C\n!foo!C D E F|\n\n${good}`, 'deco.abc');
    expect(result.items.map((i) => i.abc?.number)).toEqual([1, 2]);
    expect(result.items[0].sequence.notes.map((n) => n.pitch)).toEqual([60, 62, 64, 65]);
    const warnings = result.issues.filter((i) => i.severity === 'warning');
    expect(warnings).toEqual([
      expect.objectContaining({ item: 1, reason: expect.stringMatching(/decoration.*foo/i) }),
    ]);
  });

  it('rejects a file with no X: line, and binary data, quickly', () => {
    expect(parseAbcText('just some text\nK:C\nCDE\n', 'none.abc').issues).toEqual([
      { file: 'none.abc', severity: 'error', reason: 'no tunes found: no X: line' },
    ]);
    const bytes = new Uint8Array(50 * 1024 * 1024);
    let seed = 12345;
    for (let i = 0; i < bytes.length; i += 4) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      bytes[i] = seed & 0xff;
      bytes[i + 1] = (seed >>> 8) & 0xff;
      bytes[i + 2] = (seed >>> 16) & 0xff;
      bytes[i + 3] = seed >>> 24;
    }
    const text = new TextDecoder().decode(bytes);
    const t0 = performance.now();
    const result = parseAbcText(text, 'random.abc');
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(result.items).toEqual([]);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0].severity).toBe('error');
  });

  it('survives garbage after X: and K: with per-tune errors, never throwing', () => {
    const chars = 'ABCDEFGabcdefg,\'|:[]()^_=zZ0123456789/<>-~."! XKLMT{}&';
    let seed = 7;
    let body = '';
    for (let i = 0; i < 200_000; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      body += i % 80 === 79 ? '\n' : chars[(seed >>> 16) % chars.length];
    }
    const result = parseAbcText(`X:1\nK:C\n${body}\n\n${good}`, 'garbage.abc');
    expect(result.items.map((i) => i.abc?.number)).toContain(2);
    for (const issue of result.issues) expect(issue.reason.length).toBeGreaterThan(5);
  });
});

/** Notes as comparable tuples: pitch, start and end in milliseconds (rounded). */
function noteKeys(notes: Note[]): string[] {
  return notes
    .map((n) => `${n.pitch}@${Math.round(n.startTime * 1000)}-${Math.round(n.endTime * 1000)}`)
    .sort();
}

describe.skipIf(!HAS_SHARED_DATA)('ABC writing', () => {
  const jigsText = HAS_SHARED_DATA ? readFileSync(path.join(NOTTINGHAM, 'jigs.abc'), 'utf8') : '';

  it('parse -> abcTuneToText -> parse gives the same notes (jigs.abc, 340 tunes)', () => {
    const first = parseAbcText(jigsText, 'jigs.abc');
    const book = writeAbcBook(first.items.map((i) => i.abc!));
    const second = parseAbcText(book, 'jigs.abc');
    expect(second.items).toHaveLength(first.items.length);
    first.items.forEach((item, k) => {
      const again = second.items[k];
      expect(again.abc?.number).toBe(item.abc?.number);
      expect(again.abc?.headers).toEqual(item.abc?.headers);
      expect(noteKeys(again.sequence.notes)).toEqual(noteKeys(item.sequence.notes));
    });
    expect(abcTuneToText(first.items[0].abc!)).toMatch(/^X:1\nT:A and D\n/);
  });

  it('ABC -> MIDI bytes -> midiToNoteSequence gives the same notes within a tick', () => {
    const tunes = parseAbcText(jigsText, 'jigs.abc').items;
    const files = abcTextToMidi(jigsText);
    expect(files).toHaveLength(tunes.length);
    tunes.forEach((item, k) => {
      const back = midiToNoteSequence(files[k]);
      const want = [...item.sequence.notes].sort((a, b) => a.startTime - b.startTime || a.pitch - b.pitch);
      const got = [...back.notes].sort((a, b) => a.startTime - b.startTime || a.pitch - b.pitch);
      expect(got.map((n) => n.pitch)).toEqual(want.map((n) => n.pitch));
      const tick = 60 / (item.sequence.tempos[0].qpm * 480);
      got.forEach((n, j) => {
        expect(Math.abs(n.startTime - want[j].startTime)).toBeLessThanOrEqual(tick);
        expect(Math.abs(n.endTime - want[j].endTime)).toBeLessThanOrEqual(tick);
      });
    });
  });

  it('sequenceToAbc writes a melody that reads back as the same notes', () => {
    const tunes = parseAbcText(jigsText, 'jigs.abc').items.slice(0, 60);
    let same = 0;
    for (const item of tunes) {
      const key = item.abc?.headers.find((h) => h.field === 'K')?.value ?? 'C';
      const abc = sequenceToAbc(item.sequence, { key, meter: '6/8', unitLength: '1/8' });
      const back = parseAbcText(abc, 'generated.abc');
      expect(back.issues.filter((i) => i.severity === 'error')).toEqual([]);
      if (
        JSON.stringify(noteKeys(back.items[0].sequence.notes)) ===
        JSON.stringify(noteKeys(item.sequence.notes))
      )
        same++;
    }
    console.log(`sequenceToAbc round trip: ${same}/${tunes.length} tunes give identical notes`);
    expect(same).toBeGreaterThanOrEqual(tunes.length * 0.9);
  });
});
