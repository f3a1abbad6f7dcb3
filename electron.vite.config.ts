import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
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

export default defineConfig({
  main: {
    build: {
      lib: {
        // The engine process and its import workers are separate entries: they run outside main.
        entry: {
          index: resolve('src/main/index.ts'),
          engine: resolve('src/main/engine/host/engine_main.ts'),
          import_worker: resolve('src/main/engine/datasets/import_worker.ts'),
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
    plugins: [svelte(), devCsp()],
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
