#!/usr/bin/env node
// `npm run security` (part of `npm run lint`): runs electronegativity's Electron checks on src/
// and fails on any finding above the configured severity that electronegativity.config.json does
// not accept with a reason, on an accepted review whose file changed since, and on an accepted
// finding that no longer occurs (so the config never explains findings that are gone).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const config = JSON.parse(readFileSync(path.join(root, 'electronegativity.config.json'), 'utf8'));
const electronVersion = require('electron/package.json').version;
const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'];
const limit = SEVERITIES.indexOf(config.maxSeverity);

// electronegativity fetches updated translations from the web on every run (its i18n module, through
// `got`); the lint must never touch the network, so that one module answers "offline" at once and
// the bundled English texts are used.
const gotPath = createRequire(require.resolve('@doyensec/electronegativity')).resolve('got');
require.cache[gotPath] = {
  id: gotPath,
  filename: gotPath,
  loaded: true,
  exports: () => Promise.reject(new Error('offline: translations are not fetched')),
};
const run = require('@doyensec/electronegativity');
// The tool logs network notes (translations, Electron releases) that say nothing about the code.
const log = console.log;
console.log = () => undefined;
let result;
try {
  result = await run({
    input: path.join(root, config.input),
    isRelative: true,
    electronVersionOverride: electronVersion,
    // This check downloads Electron's release list from the web on every run; the Electron
    // version is pinned in package.json and upgraded deliberately, so the lint stays offline.
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
  });
} finally {
  console.log = log;
}

const problems = [];
for (const error of result.errors.filter((e) => !e.tolerable)) {
  problems.push(`could not parse ${error.file}: ${error.message}`);
}
const used = new Set();
for (const issue of result.issues) {
  const where = `${issue.id} (${issue.severity.name}) ${issue.file}:${issue.location.line}`;
  const index = config.accepted.findIndex((a) => a.check === issue.id && a.file === issue.file);
  const accepted = config.accepted[index];
  if (accepted) {
    used.add(index);
    const review = accepted.reviewed;
    if (review) {
      const hash = createHash('sha256')
        .update(readFileSync(path.join(root, review.file)))
        .digest('hex');
      if (hash !== review.sha256) {
        problems.push(
          `${where}: ${review.file} changed since its review; review it again and update its sha256`,
        );
        continue;
      }
    }
    console.log(`accepted  ${where}: ${accepted.reason}`);
  } else if (SEVERITIES.indexOf(issue.severity.name) > limit) {
    problems.push(`${where}: ${issue.description} (${issue.shortenedURL})`);
  } else {
    console.log(`noted     ${where}: ${issue.description}`);
  }
}
config.accepted.forEach((accepted, index) => {
  if (!used.has(index))
    problems.push(`${accepted.check} ${accepted.file} no longer occurs: remove it from the config`);
});

const checks = result.globalChecks + result.atomicChecks;
console.log(
  `electronegativity: ${checks} checks on ${config.input}/ (Electron ${electronVersion}), ${result.issues.length} findings`,
);
for (const problem of problems) console.error(`security: ${problem}`);
process.exit(problems.length > 0 ? 1 : 0);
