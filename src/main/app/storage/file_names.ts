/** A file-name-safe slug of a user-given name (lower case, dashes), or `fallback` when none is left. */
export function safeFileName(name: string, fallback: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || fallback
  );
}
