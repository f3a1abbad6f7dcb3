#!/usr/bin/env node
// `npm install`'s last step: downloads the Electron binary. Where that cannot work (no network
// to the download host), it says so in one line and the install still succeeds: `npm start`
// then opens the studio in the browser, and `npm start -- --fetch-electron` tries again.
import { electronBinary, electronPackageInstalled, fetchElectron } from './electron_binary.mjs';

// `npm install --omit=dev` (no electron package) or a binary already in place: nothing to do.
if (electronPackageInstalled() && !electronBinary()) {
  const result = await fetchElectron();
  if (!result.ok) {
    console.warn(
      `continuo: the Electron binary was not downloaded (${result.reason}); ` +
        '`npm start` opens the studio in your browser instead, `npm start -- --fetch-electron` tries again.',
    );
  }
}
