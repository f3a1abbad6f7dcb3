import { createPackageFromFiles, extractFile, listPackage, statFile } from '@electron/asar';
import { spawnSync } from 'node:child_process';
import { createRequire, isBuiltin } from 'node:module';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import builderConfig, { appFiles, asarUnpack, extraResources } from '../../electron-builder.config.mjs';
import { REPO_ROOT } from '../helpers/data.ts';

/**
 * The installers' app.asar, packed here as electron-builder packs it: the built app chosen by the
 * same `files` patterns, package.json, the production node_modules, and the same `asarUnpack`
 * patterns (imported from electron-builder.config.mjs). electron-builder itself cannot run here
 * (it downloads Electron), so this packs with @electron/asar and then checks, inside the
 * archive, that everything the app loads at run time is there.
 */

let stage: string;
let archive: string;
/** Paths in the archive, relative, with `/` separators. */
let entries: Set<string>;

function walk(dir: string, base = dir): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      // Nested node_modules are packages of their own, listed by `npm ls` with the rest.
      if (entry.name !== 'node_modules') files.push(...walk(full, base));
    } else if (entry.isFile()) files.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return files;
}

const included = appFiles.filter((pattern) => !pattern.startsWith('!'));
const excluded = appFiles.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1));
const isExcluded = (rel: string): boolean => excluded.some((pattern) => path.matchesGlob(rel, pattern));

// path.matchesGlob: electron-builder's own matching (minimatch) on the same patterns; the built
// app has no dot-files, so minimatch's `dot` option makes no difference here.

/** The production dependency folders (what electron-builder copies into the app), relative. */
function productionPackages(): string[] {
  const listed = spawnSync('npm', ['ls', '--omit=dev', '--parseable', '--all'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return listed.stdout
    .split('\n')
    .filter((line) => line.startsWith(REPO_ROOT) && line !== REPO_ROOT)
    .map((line) => path.relative(REPO_ROOT, line).split(path.sep).join('/'));
}

/** A file path relative to the archive root, or undefined when the archive lacks it. */
function resolveInArchive(rel: string): string | undefined {
  const normal = path.posix.normalize(rel);
  return entries.has(normal) ? normal : undefined;
}

function archiveText(rel: string): string {
  return extractFile(archive, rel).toString('utf8');
}

/** `new URL('x', import.meta.url)` targets and relative imports in a built chunk. */
function referencedFiles(chunk: string): { urls: string[]; imports: string[]; bare: string[] } {
  const code = archiveText(chunk);
  const urls = [...code.matchAll(/new URL\(\s*["'`]([^"'`]+)["'`]\s*,\s*import\.meta\.url\s*\)/g)].map(
    (m) => m[1],
  );
  const specifiers = [
    ...code.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*["']([^"'\s]+)["']/gm),
    ...code.matchAll(/^\s*import\s*["']([^"'\s]+)["']/gm),
    ...code.matchAll(/\bimport\(\s*["']([^"'\s]+)["']\s*\)/g),
    ...code.matchAll(/\brequire\(\s*["']([^"'\s]+)["']\s*\)/g),
  ].map((m) => m[1]);
  return {
    urls,
    imports: specifiers.filter((s) => s.startsWith('.')),
    bare: specifiers.filter((s) => !s.startsWith('.') && !s.startsWith('node:')),
  };
}

/**
 * URLs a bundled chunk names that are not files of the archive, each for a stated reason; any
 * other unresolved URL fails the test.
 */
const URLS_NOT_SHIPPED: Record<string, string> = {
  // Used only to start a `.ts` worker through tsx (source runs); bundled workers are `.js`.
  './tsx_worker_bootstrap.mjs': 'source-tree bootstrap, unused in the bundle',
  // readAppVersion() (engine/train/model_folder.ts) reads the source tree's package.json and falls
  // back to "unknown" in a bundle: packaged models record app version "unknown".
  '../../../../package.json': 'source-tree path; readAppVersion falls back to "unknown"',
};

/** Stages the app folder as electron-builder sees it (hard links, no copies) and packs it. */
async function packApp(): Promise<void> {
  const app = path.join(stage, 'app');
  const build = spawnSync(
    process.execPath,
    [
      path.join(REPO_ROOT, 'node_modules/electron-vite/bin/electron-vite.js'),
      'build',
      '--outDir',
      path.join(app, 'out'),
    ],
    { cwd: REPO_ROOT, encoding: 'utf8', timeout: 150_000 },
  );
  expect(build.status, build.stderr).toBe(0);

  const files = walk(app).filter((rel) => included.some((p) => path.matchesGlob(rel, p)) && !isExcluded(rel));
  const link = (rel: string): void => {
    mkdirSync(path.dirname(path.join(app, rel)), { recursive: true });
    linkSync(path.join(REPO_ROOT, rel), path.join(app, rel));
  };
  link('package.json');
  files.push('package.json');
  for (const dir of productionPackages()) {
    for (const rel of walk(path.join(REPO_ROOT, dir)).map((file) => `${dir}/${file}`)) {
      if (isExcluded(rel)) continue;
      link(rel);
      files.push(rel);
    }
  }
  archive = path.join(stage, 'resources', 'app.asar');
  // asar matches `unpack` against absolute paths: the same patterns, rooted at the app folder.
  const unpack = asarUnpack.length === 1 ? asarUnpack[0] : `{${asarUnpack.join(',')}}`;
  await createPackageFromFiles(
    app,
    archive,
    files.map((rel) => path.join(app, rel)),
    {},
    { unpack: `${app.split(path.sep).join('/')}/${unpack}` },
  );
  entries = new Set(
    listPackage(archive, { isPack: false }).map((entry) =>
      entry
        .replace(/^[\\/]/, '')
        .split(path.sep)
        .join('/'),
    ),
  );
}

describe('packaged app (app.asar)', () => {
  beforeAll(async () => {
    stage = mkdtempSync(path.join(os.tmpdir(), 'continuo-pack-'));
    await packApp();
  }, 170_000);

  afterAll(() => {
    rmSync(stage, { recursive: true, force: true });
  });

  it('holds package.json and its main entry', () => {
    const pkg = JSON.parse(archiveText('package.json')) as { main: string };
    expect(resolveInArchive(pkg.main.replace(/^\.\//, ''))).toBe('out/main/index.js');
  });

  it('resolves every file the main, engine, import-worker and training entries load', () => {
    const chunks = [...entries].filter((rel) => /^out\/main\/[^/]+\.js$/.test(rel));
    for (const entry of ['index', 'engine', 'import_worker', 'process_main']) {
      expect(chunks).toContain(`out/main/${entry}.js`);
    }
    const unresolved: string[] = [];
    for (const chunk of chunks) {
      const { urls, imports } = referencedFiles(chunk);
      for (const url of urls) {
        if (url in URLS_NOT_SHIPPED) continue;
        // engine_main maps worker and process entries `./x.ts` to their bundled `./x.js`.
        const target = url.endsWith('.ts') ? url.replace(/\.ts$/, '.js') : url;
        if (!resolveInArchive(path.posix.join(path.posix.dirname(chunk), target)))
          unresolved.push(`${chunk}: ${url}`);
      }
      for (const specifier of imports) {
        if (!resolveInArchive(path.posix.join(path.posix.dirname(chunk), specifier)))
          unresolved.push(`${chunk}: import ${specifier}`);
      }
    }
    expect(unresolved).toEqual([]);
  });

  it('resolves every package the bundles import from node_modules', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      optionalDependencies?: Record<string, string>;
    };
    const optional = new Set(Object.keys(pkg.optionalDependencies ?? {}));
    const missing: string[] = [];
    const chunks = [...entries].filter((rel) => /^out\/(main|preload)\/[^/]+\.c?js$/.test(rel));
    for (const chunk of chunks) {
      for (const specifier of referencedFiles(chunk).bare) {
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : specifier.split('/')[0];
        if (name === 'electron' || isBuiltin(name)) continue;
        if (resolveInArchive(`node_modules/${name}/package.json`)) continue;
        // An optional dependency that did not install here (tfjs-node) is loaded in a try.
        if (optional.has(name) && !existsSync(path.join(REPO_ROOT, 'node_modules', name))) continue;
        missing.push(`${chunk}: ${specifier}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('holds the preload and the renderer with every file its page loads, and the piano samples', () => {
    expect(resolveInArchive('out/preload/index.cjs')).toBeDefined();
    const html = archiveText('out/renderer/index.html');
    const loaded = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(loaded.length).toBeGreaterThan(1);
    for (const file of loaded)
      expect(resolveInArchive(path.posix.join('out/renderer', file)), file).toBeDefined();
    const samples = [...entries].filter((rel) => /^out\/renderer\/piano\/[\w.]+\.mp3$/.test(rel));
    expect(samples).toHaveLength(30);
    expect(resolveInArchive('out/renderer/piano/CREDITS.txt')).toBeDefined();
    expect([...entries].filter((rel) => rel.startsWith('out/') && rel.endsWith('.map'))).toEqual([]);
  });

  it('holds the WebAssembly backend files', () => {
    const wasm = readdirSync(path.join(REPO_ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')).filter(
      (f) => f.endsWith('.wasm'),
    );
    expect(wasm.length).toBeGreaterThanOrEqual(3);
    for (const file of wasm) {
      expect(resolveInArchive(`node_modules/@tensorflow/tfjs-backend-wasm/dist/${file}`), file).toBeDefined();
    }
  });

  it('keeps every native addon outside the archive, in app.asar.unpacked', () => {
    const addons = [...entries].filter((rel) => rel.endsWith('.node'));
    // jazz-midi (Web MIDI in Node) always ships prebuilt addons; tfjs-node's when it installed.
    expect(addons.length).toBeGreaterThan(0);
    for (const rel of addons) {
      expect(statFile(archive, rel), rel).toMatchObject({ unpacked: true });
      expect(existsSync(path.join(`${archive}.unpacked`, rel)), rel).toBe(true);
    }
    if (existsSync(path.join(REPO_ROOT, 'node_modules/@tensorflow/tfjs-node/package.json'))) {
      expect(addons.some((rel) => rel.startsWith('node_modules/@tensorflow/tfjs-node/'))).toBe(true);
    }
  });

  it('ships the extra resources that exist (icon; the models folder once it has models)', () => {
    for (const resource of extraResources) {
      const from = path.join(REPO_ROOT, resource.from);
      expect(existsSync(from), resource.from).toBe(true);
      if (readdirSync(path.dirname(from)).length === 0) throw new Error(`${resource.from} is empty`);
    }
    expect(extraResources.map((r) => r.from)).toContain('resources/icons/icon.png');
  });
});

describe('electron-builder configuration', () => {
  it("passes electron-builder's own schema", async () => {
    // electron-builder's core validates the same way before it builds anything.
    const require = createRequire(path.join(REPO_ROOT, 'package.json'));
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration: (config: unknown, logger: unknown) => Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new () => unknown };
    await expect(
      validateConfiguration(structuredClone(builderConfig), new DebugLogger()),
    ).resolves.toBeUndefined();
  });

  it('builds AppImage, deb, dmg and NSIS; .continuo is ours, .mid only an alternate', () => {
    expect(builderConfig.linux?.target).toEqual(['AppImage', 'deb']);
    expect(builderConfig.mac?.target).toEqual(['dmg']);
    expect(builderConfig.win?.target).toEqual(['nsis']);
    expect(builderConfig.fileAssociations).toEqual([
      expect.objectContaining({ ext: 'continuo', rank: 'Owner' }),
    ]);
    expect(builderConfig.mac?.fileAssociations).toEqual([
      expect.objectContaining({ ext: ['mid', 'midi'], rank: 'Alternate' }),
    ]);
    // NSIS's own associations would make Continuo the default MIDI program: installer.nsh adds
    // it to "Open with" instead.
    expect(builderConfig.win?.fileAssociations).toBeUndefined();
    const nsisInclude = readFileSync(path.join(REPO_ROOT, String(builderConfig.nsis?.include)), 'utf8');
    expect(nsisInclude).toContain('\\.${EXT}\\OpenWithProgids');
    expect(nsisInclude).not.toMatch(/Software\\Classes\\\.mid" ""/);
    // Unsigned unless a certificate is given.
    if (!process.env['CSC_LINK'] && !process.env['CSC_NAME']) expect(builderConfig.mac?.identity).toBeNull();
  });
});
