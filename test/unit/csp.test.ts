import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/main/app/csp.ts';
import { REPO_ROOT } from '../helpers/data.ts';

/**
 * The policy is written out in security.ts (Electron's header) and index.html (the page's meta
 * tag) as plain strings so the security scan can parse them; csp.ts (the web host's header) is
 * the source they must equal.
 */
function source(file: string): string {
  return readFileSync(path.join(REPO_ROOT, file), 'utf8');
}

describe('Content-Security-Policy copies', () => {
  it("Electron's header in security.ts is csp.ts's policy", () => {
    const literal = /'Content-Security-Policy': \[\s*"([^"]+)",?\s*\]/.exec(
      source('src/main/app/security.ts'),
    );
    expect(literal?.[1]).toBe(CONTENT_SECURITY_POLICY);
  });

  it("index.html's meta tag is the same policy without frame-ancestors (ignored in a meta tag)", () => {
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(
      source('src/renderer/index.html'),
    );
    const withoutFrameAncestors = CONTENT_SECURITY_POLICY.split('; ')
      .filter((directive) => !directive.startsWith('frame-ancestors'))
      .join('; ');
    expect(meta?.[1]).toBe(withoutFrameAncestors);
  });
});
