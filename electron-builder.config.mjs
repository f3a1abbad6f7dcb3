// Installers (`npm run dist`: electron-vite build, then electron-builder for this platform):
// AppImage and deb on Linux, dmg on macOS, NSIS on Windows. What goes into app.asar and what
// stays unpacked is exported on its own, so test/engine/packaging.test.ts packs exactly the same.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Packed into app.asar. electron-builder adds package.json and the production node_modules itself. */
export const appFiles = ['out/main/**/*', 'out/preload/**/*', 'out/renderer/**/*', '!**/*.map'];

/**
 * Left outside the asar (in app.asar.unpacked): native addons cannot be loaded from inside an
 * archive, and tfjs-node's addon loads libtensorflow from its own deps/ folder beside it.
 */
export const asarUnpack = ['**/*.node', 'node_modules/@tensorflow/tfjs-node/**/*'];

/**
 * Copied beside app.asar into the resources folder (`process.resourcesPath`): the app icon, and
 * the shipped models once resources/models holds any.
 */
export const extraResources = [
  { from: 'resources/icons/icon.png', to: 'icons/icon.png' },
  ...(hasShippedModels() ? [{ from: 'resources/models', to: 'models', filter: ['**/*'] }] : []),
];

function hasShippedModels() {
  const dir = fileURLToPath(new URL('resources/models', import.meta.url));
  return existsSync(dir) && readdirSync(dir).length > 0;
}

const macSigning = Boolean(process.env.CSC_LINK || process.env.CSC_NAME);
const macNotarizing =
  macSigning &&
  Boolean(
    (process.env.APPLE_ID && process.env.APPLE_APP_SPECIFIC_PASSWORD && process.env.APPLE_TEAM_ID) ||
    (process.env.APPLE_API_KEY && process.env.APPLE_API_KEY_ID && process.env.APPLE_API_ISSUER),
  );

/** @type {import('electron-builder').Configuration} */
export default {
  appId: 'org.continuo.studio',
  productName: 'Continuo',
  copyright: 'Continuo contributors',
  directories: { output: 'dist', buildResources: 'resources' },
  files: appFiles,
  asar: true,
  asarUnpack,
  extraResources,
  // The native addons are N-API builds (ABI-stable across Node and Electron): no rebuild, which
  // would also re-run tfjs-node's libtensorflow download.
  npmRebuild: false,
  icon: 'resources/icons/icon.png',
  fileAssociations: [
    {
      ext: 'continuo',
      name: 'Continuo project',
      description: 'Continuo project',
      mimeType: 'application/x-continuo',
      role: 'Editor',
      rank: 'Owner',
    },
  ],
  linux: {
    target: ['AppImage', 'deb'],
    category: 'AudioVideo;Audio;Music',
    icon: 'resources/icons',
    maintainer: 'Continuo contributors <continuo@users.noreply.github.com>',
    synopsis: 'A composing studio that learns your music and continues your phrases',
    // Listed as able to open MIDI; the desktop's default MIDI application stays as chosen.
    fileAssociations: [{ ext: ['mid', 'midi'], name: 'MIDI file', mimeType: 'audio/midi', role: 'Viewer' }],
  },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.music',
    // Unsigned unless a certificate is given (CSC_LINK or CSC_NAME); null turns off the
    // keychain search that would otherwise sign with whatever identity it finds.
    identity: macSigning ? undefined : null,
    hardenedRuntime: macSigning,
    notarize: macNotarizing,
    // `Alternate`: offered in "Open With" for MIDI, never made the default.
    fileAssociations: [{ ext: ['mid', 'midi'], name: 'MIDI file', role: 'Viewer', rank: 'Alternate' }],
  },
  dmg: { sign: false },
  win: {
    target: ['nsis'],
  },
  nsis: {
    oneClick: false,
    allowToChangeInstallationDirectory: true,
    // Registers Continuo under .mid's "Open with" list only (electron-builder's own file
    // associations would make it the default MIDI handler).
    include: 'resources/installer.nsh',
  },
};
