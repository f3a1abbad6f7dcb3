// Types of electron-builder.config.mjs for the TypeScript that imports it (the packaging test).
import type { Configuration } from 'electron-builder';

/** Packed into app.asar (plus package.json and the production node_modules). */
export declare const appFiles: string[];
/** Left outside the asar, in app.asar.unpacked. */
export declare const asarUnpack: string[];
/** Copied beside app.asar into the resources folder. */
export declare const extraResources: Array<{ from: string; to: string; filter?: string[] }>;
declare const config: Configuration;
export default config;
