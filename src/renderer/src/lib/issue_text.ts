/**
 * Import issues in a musician's words: abcjs's parser warnings ("Music Line:9:46: Unknown
 * decoration: xyz: <the line>") become "line 9: an unknown decoration !xyz! was skipped".
 * Messages it does not know keep their text, without the quoted source line.
 */

/** One abcjs warning: where, what, and the construct it named. */
const ABCJS_WARNING = /^Music Line:(\d+):(\d+): ([^:]+)(?::\s?(.*))?$/s;

/** What a known abcjs message means, given the construct it quotes and the line's text. */
const KNOWN: ReadonlyArray<{ test: RegExp; say: (detail: string) => string }> = [
  {
    test: /^Unknown decoration$/,
    say: (detail) => {
      const [token, line = ''] = splitDetail(detail);
      // `+CEG+` was ABC 1.6's chord; abcjs reads the pluses as decoration marks.
      if (line.includes(`+${token}+`)) return `an old-style chord +${token}+ was skipped`;
      return `an unknown decoration !${token}! was skipped`;
    },
  },
  {
    test: /^Unknown character ignored$/,
    say: (detail) => {
      const character = detail.trimStart().charAt(0);
      return character
        ? `an unreadable character “${character}” was skipped`
        : 'an unreadable character was skipped';
    },
  },
  {
    test: /^Duration not representable$/,
    say: (detail) => `a note length that cannot be played (“${splitDetail(detail)[0]}”) was skipped`,
  },
  { test: /^Can't nest triplets$/, say: () => 'a triplet inside a triplet was played without the inner one' },
  { test: /^Expected '\]' to end the chords$/, say: () => 'a chord with no closing ] was skipped' },
  {
    test: /^Unknown parameter$/,
    say: (detail) => `an unknown setting “${splitDetail(detail)[0]}” was skipped`,
  },
];

/** "token: rest of the line" -> [token, rest]. */
function splitDetail(detail: string): [string, string?] {
  const at = detail.indexOf(': ');
  return at < 0 ? [detail.trim()] : [detail.slice(0, at).trim(), detail.slice(at + 2)];
}

/** One abcjs warning in plain words, or undefined when it is not one. */
function readableWarning(warning: string): string | undefined {
  const match = ABCJS_WARNING.exec(warning.trim());
  if (!match) return undefined;
  const [, line, , message, detail = ''] = match;
  const known = KNOWN.find((entry) => entry.test.test(message.trim()));
  const text = known ? known.say(detail) : message.trim().toLowerCase();
  return `line ${line}: ${text}`;
}

/** The reason of an import issue, readable; the same text when there is nothing to translate. */
export function readableReason(reason: string): string {
  const skipped = /^imported, but skipped: (.*?)(?: \(\+(\d+) more\))?$/s.exec(reason);
  if (skipped) {
    const [, list, more] = skipped;
    const parts = list.split(/; (?=Music Line:)/).map((part) => readableWarning(part) ?? part);
    const extra = more ? ` (and ${more} more)` : '';
    return `Imported; ${[...new Set(parts)].join('; ')}${extra}.`;
  }
  return readableWarning(reason) ?? reason;
}
