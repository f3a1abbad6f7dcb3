import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Worker threads started from TypeScript sources go through tsx, which costs about 0.3 s per
 * worker before any work (the loader, then every module compiled on the fly). For short jobs
 * such as importing a dataset that start-up eats the whole gain of a second core. So, when
 * running from sources, a worker entry is bundled once with esbuild (tsx's own compiler)
 * into one ESM file, kept in `node_modules/.cache/continuo/workers/` and reused until one of
 * its source files changes; such a worker starts in about 0.1 s. Packages stay external, so
 * they resolve from the project's node_modules as usual. Any failure falls back to tsx.
 */

/** What a cached bundle was built from: every source file with its size and mtime. */
interface BundleManifest {
  entry: string;
  output: string;
  inputs: Record<string, { size: number; mtimeMs: number }>;
}

const building = new Map<string, Promise<URL | null>>();

/** The project folder holding `src/` above the entry, or null. */
function projectRoot(entryFile: string): string | null {
  let dir = path.dirname(entryFile);
  for (;;) {
    const parent = path.dirname(dir);
    if (path.basename(dir) === 'src') return parent;
    if (parent === dir) return null;
    dir = parent;
  }
}

async function manifestIsFresh(manifest: BundleManifest): Promise<boolean> {
  try {
    await stat(manifest.output);
    for (const [file, seen] of Object.entries(manifest.inputs)) {
      const now = await stat(file);
      if (now.size !== seen.size || now.mtimeMs !== seen.mtimeMs) return false;
    }
    return true;
  } catch {
    return false;
  }
}

async function build(entryFile: string, root: string): Promise<URL> {
  // Inside the project's node_modules, so that the bundle's external packages resolve.
  const folder = path.join(root, 'node_modules', '.cache', 'continuo', 'workers');
  const name = path.basename(entryFile, '.ts');
  const manifestFile = path.join(folder, `${name}.json`);
  try {
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as BundleManifest;
    if (manifest.entry === entryFile && (await manifestIsFresh(manifest)))
      return pathToFileURL(manifest.output);
  } catch {
    // No usable manifest: build.
  }
  const esbuild = await import('esbuild');
  const output = path.join(folder, `${name}.mjs`);
  const temp = `${output}.${process.pid}.tmp`;
  await mkdir(folder, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [entryFile],
    outfile: temp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    metafile: true,
    absWorkingDir: root,
    logLevel: 'silent',
  });
  const inputs: BundleManifest['inputs'] = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = path.resolve(root, input);
    const info = await stat(file);
    inputs[file] = { size: info.size, mtimeMs: info.mtimeMs };
  }
  // Both files are replaced by rename, so a concurrent reader never sees half a bundle.
  await rename(temp, output);
  const manifest: BundleManifest = { entry: entryFile, output, inputs };
  await writeFile(`${manifestFile}.${process.pid}.tmp`, JSON.stringify(manifest));
  await rename(`${manifestFile}.${process.pid}.tmp`, manifestFile);
  return pathToFileURL(output);
}

/**
 * The URL of a fast-starting bundle of the TypeScript worker entry `tsEntry`, or null when it
 * cannot be had (not a `.ts` source, no esbuild, a read-only install...): the caller then
 * starts the entry through tsx as before.
 */
export function bundledWorkerEntry(tsEntry: URL): Promise<URL | null> {
  if (tsEntry.protocol !== 'file:' || !tsEntry.pathname.endsWith('.ts')) return Promise.resolve(null);
  const entryFile = fileURLToPath(tsEntry);
  let pending = building.get(entryFile);
  if (!pending) {
    const root = projectRoot(entryFile);
    pending = root ? build(entryFile, root).catch(() => null) : Promise.resolve(null);
    building.set(entryFile, pending);
    // Later calls in this process re-check freshness (sources may change under a long-lived process).
    void pending.finally(() => building.delete(entryFile));
  }
  return pending;
}
