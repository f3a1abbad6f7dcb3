import { describe, expect, it, vi } from 'vitest';

await vi.hoisted(async () => {
  const { installRunesShim } = await import('./runes_shim.ts');
  installRunesShim();
});

const { ProjectSession } = await import('../../src/renderer/src/lib/project/session.svelte.ts');
const { newNoteId, newProject } = await import('../../src/shared/project/create.ts');

describe('a fresh start (project opened, created or imported) in the session', () => {
  it('replace and startFresh count a fresh start and clear the selection', () => {
    const session = new ProjectSession();
    const id = newNoteId();
    session.apply({
      type: 'addNotes',
      trackId: session.activeTrackId,
      notes: [{ id, pitch: 60, velocity: 90, start: 0, duration: 480 }],
    });
    session.select(new Set([id]));
    const before = session.freshStarts;

    session.startFresh();
    expect(session.freshStarts).toBe(before + 1);
    expect(session.selection.size).toBe(0);

    session.replace(newProject('Opened'));
    expect(session.freshStarts).toBe(before + 2);
    expect(session.selection.size).toBe(0);
  });
});
