import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The app version from the repository's package.json. */
export function packageVersion(): string {
  const file = fileURLToPath(new URL('../../package.json', import.meta.url));
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}
