// Renderer-only build (the project's own renderer config) for my e2e runs while another
// helper's main-process code does not build.
import { build } from 'vite';
process.chdir('/work/main');
const { default: config } = (await import('/work/main/electron.vite.config.ts')) as { default: { renderer: Record<string, unknown> & { build: Record<string, unknown> } } };
const renderer = config.renderer;
await build({
  ...renderer,
  configFile: false,
  base: './',
  logLevel: 'warn',
  build: { ...renderer.build, outDir: '/tmp/out-editor/renderer', emptyOutDir: true },
});
