/** Entry of the `continuo` command line (`bin/continuo.mjs` imports it). */
import { runCli } from './program.ts';

await runCli();
