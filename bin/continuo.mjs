#!/usr/bin/env node
// The `continuo` CLI runs straight from the TypeScript sources through tsx, so
// `npx continuo` works right after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
