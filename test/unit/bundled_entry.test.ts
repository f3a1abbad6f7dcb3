import { mkdtemp, readFile, rm, utimes, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledWorkerEntry } from '../../src/main/engine/runtime/bundled_entry.ts';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'continuo-bundle-'));
  await mkdir(path.join(root, 'src'));
  await writeFile(path.join(root, 'src', 'answer.ts'), 'export const answer: number = 41;\n');
  await writeFile(
    path.join(root, 'src', 'worker.ts'),
    "import { parentPort } from 'node:worker_threads';\nimport { answer } from './answer.ts';\nparentPort?.postMessage(answer + 1);\n",
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function runWorker(url: URL): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(url);
    worker.once('message', (value) => {
      void worker.terminate();
      resolve(value);
    });
    worker.once('error', reject);
  });
}

describe('bundledWorkerEntry', () => {
  it('bundles a TypeScript worker into one file that starts without tsx', async () => {
    const url = await bundledWorkerEntry(pathToFileURL(path.join(root, 'src', 'worker.ts')));
    expect(url).not.toBeNull();
    expect(url!.pathname).toContain('node_modules/.cache/continuo/workers/');
    expect(await runWorker(url!)).toBe(42);
  });

  it('reuses the bundle while the sources are unchanged and rebuilds when one changes', async () => {
    const entry = pathToFileURL(path.join(root, 'src', 'worker.ts'));
    const first = await bundledWorkerEntry(entry);
    const before = await readFile(first!, 'utf8');
    const again = await bundledWorkerEntry(entry);
    expect(await readFile(again!, 'utf8')).toBe(before);

    const dep = path.join(root, 'src', 'answer.ts');
    await writeFile(dep, 'export const answer: number = 99;\n');
    const later = new Date(Date.now() + 5000);
    await utimes(dep, later, later);
    const rebuilt = await bundledWorkerEntry(entry);
    expect(await runWorker(rebuilt!)).toBe(100);
  });

  it('declines entries that are not TypeScript sources', async () => {
    expect(await bundledWorkerEntry(new URL('file:///somewhere/worker.js'))).toBeNull();
  });
});
