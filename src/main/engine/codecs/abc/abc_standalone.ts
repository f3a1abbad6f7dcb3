/**
 * ABC body tokens that follow a prefix, made to play on their own: endings and repeat ends
 * whose start lies in the prefix cannot be resolved without it (a continuation starting with
 * `[2` would have all its notes skipped as a first pass's second ending; a `:|` whose `|:` is
 * in the prefix would jump back to the continuation's start). Such marks become plain bar
 * lines, so the continuation alone plays straight through, as it does after its prefix.
 */
import type { Token } from '../codec.ts';

/** `tokens` with unresolvable endings removed and unmatched repeat ends made plain (a copy). */
export function standaloneRepeats(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  let open = false;
  /** Inside endings that belong to a repeat opened in the prefix. */
  let orphanEndings = false;
  for (const token of tokens) {
    if (token === '|:') open = true;
    else if (token === ':|' || token === '::') {
      if (!open) {
        out.push(token === '::' ? '|:' : '|');
        open = token === '::';
        orphanEndings = token === ':|';
        continue;
      }
      open = token === '::';
    } else if (/^\[\d/.test(token) && (!open || orphanEndings)) {
      continue;
    } else if (token === '||' || token === '|]') orphanEndings = false;
    out.push(token);
  }
  return out;
}
