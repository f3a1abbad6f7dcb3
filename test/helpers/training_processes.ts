import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Child process ids of `pid` (Linux /proc). */
export function childrenOf(pid: number): number[] {
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) return [];
  return readdirSync(tasks).flatMap((tid) => {
    try {
      return readFileSync(`${tasks}/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
}

/**
 * Training processes (estimate mode included) of the engine this test started: grandchildren of
 * this test process whose command line names process_main.
 */
export function trainingPids(): number[] {
  return childrenOf(process.pid)
    .flatMap((engine) => childrenOf(engine))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('process_main');
      } catch {
        return false;
      }
    });
}

/** Polls `probe` every 50 ms until it gives a value; fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
