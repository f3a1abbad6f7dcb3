/**
 * Hooks for end-to-end tests on `window.__continuo`, which other parts of the studio extend
 * too: each adds its own functions and removes only those.
 */
type Hooks = Record<string, unknown>;

/** Adds `hooks` to `window.__continuo` (created when absent); returns a function removing them. */
export function exposeTestHooks(hooks: Hooks): () => void {
  // globalThis is the window in the renderer (and this module stays free of DOM types).
  const host = globalThis as unknown as { __continuo?: Hooks };
  const target = (host.__continuo ??= {});
  Object.assign(target, hooks);
  return () => {
    for (const [name, value] of Object.entries(hooks))
      if (target[name] === value) Reflect.deleteProperty(target, name);
  };
}
