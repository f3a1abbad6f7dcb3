/**
 * A web host of the test's own (beside the one scripts/e2e.mjs starts), on a data folder the
 * test chooses: it can be killed with SIGKILL and started again on the same folder, as after a
 * crash. Runs the TypeScript host directly (no UI rebuild check), serving the build the run made.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface TestHost {
  url: string;
  process: ChildProcess;
}

/** Starts a host on `dataDir` (with `env` added to this process's); resolves with its URL once it prints it. */
export async function startTestHost(dataDir: string, env: Record<string, string> = {}): Promise<TestHost> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src/web/cli.ts'), '--port', '0', '--data-dir', dataDir],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        CONTINUO_OUT_DIR: path.resolve(root, process.env['CONTINUO_OUT_DIR'] ?? 'out'),
        ...env,
      },
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`test host: no URL within 60 s\n${stderr}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`test host exited early (code ${code})\n${stderr}`));
    });
  });
  return { url, process: child };
}

/** Every descendant of a process (children first found by `ps`), deepest last. */
function descendants(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return []; // no children
  }
  const children = out
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((n) => n > 0);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** Kills a process and all its descendants with SIGKILL (a crash: nothing gets to clean up). */
export async function killTree(pid: number): Promise<void> {
  const all = [pid, ...descendants(pid)];
  for (const p of all) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // Wait until none of them runs any more.
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const alive = all.filter((p) => {
      try {
        process.kill(p, 0);
        return true;
      } catch {
        return false;
      }
    });
    if (!alive.length) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
