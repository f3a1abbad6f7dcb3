/**
 * `npx tsx test/helpers/project_edit_bench.ts`: timings of the project model on a 20,000-note
 * track (moving 500 notes, writing and reading the `.continuo` text). Prints figures, asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { newNoteId, newProject } from '../../src/shared/project/create.ts';
import { applyEdit } from '../../src/shared/project/edits.ts';
import { sortedNotes } from '../../src/shared/project/notes.ts';
import { parseProjectFile, serializeProject } from '../../src/shared/project/schema.ts';

const project = newProject('Bench');
const notes = Array.from({ length: 20_000 }, (_, i) => ({
  id: newNoteId(),
  pitch: 30 + (i % 60),
  velocity: 80,
  start: i * 60,
  duration: 120,
}));
project.tracks[0] = { ...project.tracks[0], notes: sortedNotes(notes) };
const track = project.tracks[0];
const ids = track.notes.slice(5000, 5500).map((n) => n.id);

const times: number[] = [];
for (let k = 0; k < 50; k++) {
  const start = performance.now();
  applyEdit(project, { type: 'moveNotes', trackId: track.id, noteIds: ids, deltaTicks: 30, deltaPitch: 1 });
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
console.log(`moveNotes 500 of 20000: median ${times[25].toFixed(2)} ms, p95 ${times[47].toFixed(2)} ms`);
let start = performance.now();
const text = serializeProject(project);
console.log(
  `serializeProject 20000 notes: ${(performance.now() - start).toFixed(1)} ms, ${(text.length / 1e6).toFixed(2)} MB`,
);
start = performance.now();
const parsed = parseProjectFile(text);
console.log(`parseProjectFile 20000 notes: ${(performance.now() - start).toFixed(1)} ms (ok: ${parsed.ok})`);
