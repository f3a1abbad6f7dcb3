/**
 * Svelte's runes as plain values, so the logic of a `.svelte.ts` class can be unit-tested in
 * Node without the Svelte compiler (reactivity itself is Svelte's, tested by the e2e tests).
 * Import this before the module under test (vi.hoisted).
 */
type StateRune = (<T>(value: T) => T) & { raw: <T>(value: T) => T; snapshot: <T>(value: T) => T };

export function installRunesShim(): void {
  const state = (<T>(value: T) => value) as StateRune;
  state.raw = (value) => value;
  state.snapshot = (value) => structuredClone(value);
  Object.assign(globalThis, { $state: state });
}
