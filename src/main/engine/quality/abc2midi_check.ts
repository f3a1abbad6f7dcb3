/**
 * Checking ABC with the reference converter abc2midi (Debian package `abcmidi`), where it is
 * installed: its errors, and its bar-length warnings for inner bars (the first bar may be a
 * pickup and the last may complete it, so those two are not counted).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** What abc2midi said about one tune. */
export interface Abc2midiVerdict {
  /** Its error messages ("Error in line-char ..."). */
  errors: string[];
  /** Inner bars it found of the wrong length. */
  badInnerBars: number;
  /** Bars it counted. */
  bars: number;
  /** Ties it could not complete ("Could not find note to be tied"): notes left hanging. */
  hangingTies: number;
}

let available: boolean | undefined;

/** True when `abc2midi` runs here (checked once). */
export function hasAbc2midi(): boolean {
  if (available === undefined) {
    const result = spawnSync('abc2midi', ['-ver'], { encoding: 'utf8', timeout: 5000 });
    available = result.error === undefined && result.status !== null;
  }
  return available;
}

const BAR_WARNING = /Bar (\d+) has [\d/.]+ time units while the time signature has/;

/** Runs abc2midi over one tune's text; null when abc2midi is not installed. */
export function checkWithAbc2midi(abcText: string): Abc2midiVerdict | null {
  if (!hasAbc2midi()) return null;
  const dir = mkdtempSync(path.join(tmpdir(), 'continuo-abc2midi-'));
  try {
    const file = path.join(dir, 'tune.abc');
    // One tune per run, starting with X: so abc2midi reads it as a tune.
    const text = /^\s*X:/.test(abcText) ? abcText : `X:1\n${abcText}`;
    writeFileSync(file, `${text.trimEnd()}\n`, 'utf8');
    const result = spawnSync('abc2midi', [file, '-o', path.join(dir, 'tune.mid')], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    const lines = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.split('\n');
    const errors = lines.filter((l) => /^Error/.test(l.trim())).map((l) => l.trim());
    if (result.error) errors.push(`abc2midi did not run: ${result.error.message}`);
    const badBars = new Set<number>();
    for (const line of lines) {
      const match = BAR_WARNING.exec(line);
      // abc2midi repeats a warning for the repeat pass ("... in repeat"): count each bar once.
      if (match) badBars.add(Number(match[1]));
    }
    const bars = countBars(text);
    const inner = [...badBars].filter((bar) => bar > 0 && bar < bars - 1);
    return {
      errors,
      badInnerBars: inner.length,
      bars,
      hangingTies: lines.filter((l) => /Could not find note to be tied/i.test(l)).length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bars in a tune's body: bar lines (`|`, `||`, `|]`, `:|`, `|:`, `::`...) outside quotes and fields. */
export function countBars(abcText: string): number {
  let bars = 0;
  for (const line of abcText.split('\n')) {
    if (/^\s*[A-Za-z]:/.test(line) || /^\s*%/.test(line)) continue;
    const body = line.replace(/"[^"]*"/g, '').replace(/![^!]*!/g, '');
    bars += body.match(/:*\|+[\]:]*|::/g)?.length ?? 0;
  }
  return bars;
}
