import { describe, expect, it } from 'vitest';
import { readableReason } from '../../src/renderer/src/lib/issue_text.ts';

describe('readableReason', () => {
  it('turns abcjs warnings into plain words, keeping the line', () => {
    expect(
      readableReason('imported, but skipped: Music Line:9:46: Unknown decoration: xyz: E3 c3 : F3 -FEF|'),
    ).toBe('Imported; line 9: an unknown decoration !xyz! was skipped.');
    expect(
      readableReason(
        'imported, but skipped: Music Line:9:73: Unknown character ignored: 2 "G"B/2d/2|; Music Line:10:3: Duration not representable: a3): ||(e<a3)f',
      ),
    ).toBe(
      'Imported; line 9: an unreadable character “2” was skipped; line 10: a note length that cannot be played (“a3)”) was skipped.',
    );
  });

  it('names old-style +chords+ and counts the warnings left out', () => {
    expect(
      readableReason(
        'imported, but skipped: Music Line:13:5: Unknown decoration: =c4f4: "D7"+=c4f4+| (+2 more)',
      ),
    ).toBe('Imported; line 13: an old-style chord +=c4f4+ was skipped (and 2 more).');
  });

  it('leaves other messages as they are', () => {
    expect(readableReason('empty file (0 bytes)')).toBe('empty file (0 bytes)');
    expect(readableReason('Music Line:4:1: Something new: x')).toBe('line 4: something new');
  });
});
