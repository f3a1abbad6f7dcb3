// Starts a TypeScript worker entry when running from sources (tsx, vitest): registers
// tsx's ESM loader inside this worker thread, then imports the entry named in argv.
// The built app starts bundled JS entries directly and never loads this file.
import { register } from 'tsx/esm/api';

register();
const entry = process.argv[2];
if (!entry) throw new Error('tsx_worker_bootstrap: no worker entry given');
await import(entry);
