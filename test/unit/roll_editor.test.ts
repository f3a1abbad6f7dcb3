import { beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(async () => {
  const { installRunesShim } = await import('./runes_shim.ts');
  installRunesShim();
});

const { ProjectSession } = await import('../../src/renderer/src/lib/project/session.svelte.ts');
const { RollController } = await import('../../src/renderer/src/lib/roll/controller.ts');
const { pitchToY, tickToX } = await import('../../src/renderer/src/lib/roll/viewport.ts');
const { newNoteId } = await import('../../src/shared/project/create.ts');
type Controller = InstanceType<typeof RollController>;
type Session = InstanceType<typeof ProjectSession>;

/** 0.1 px per tick (a quarter is 48 px), 12 px rows, from tick 0 and pitch 127 at the top. */
function setUp(): { session: Session; roll: Controller; sounds: number[] } {
  const session = new ProjectSession();
  const sounds: number[] = [];
  const roll = new RollController(session, (pitch) => sounds.push(pitch));
  roll.resize(1000, 600);
  roll.setView({ ...roll.view, scrollTick: 0, scrollY: (127 - 80) * 12, pxPerTick: 0.1, rowHeight: 12 });
  return { session, roll, sounds };
}

function at(
  roll: Controller,
  tick: number,
  pitch: number,
  mods: Partial<{ shift: boolean; alt: boolean; ctrl: boolean }> = {},
) {
  return {
    x: tickToX(roll.view, tick),
    y: pitchToY(roll.view, pitch) + roll.view.rowHeight / 2,
    shift: false,
    alt: false,
    ctrl: false,
    ...mods,
  };
}

function drag(roll: Controller, from: ReturnType<typeof at>, to: ReturnType<typeof at>): void {
  roll.pointerDown(from, false);
  roll.pointerMove({ ...from, x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 });
  roll.pointerMove(to);
  roll.pointerUp(to);
}

function notes(session: Session) {
  return session.activeTrack!.notes.map(({ pitch, start, duration, velocity }) => ({
    pitch,
    start,
    duration,
    velocity,
  }));
}

describe('piano roll editing through the controller', () => {
  let session: Session;
  let roll: Controller;
  let sounds: number[];
  beforeEach(() => ({ session, roll, sounds } = setUp()));

  it('draws a note whose length is the drag, snapped to the grid, and auditions it', () => {
    roll.setTool('draw');
    drag(roll, at(roll, 500, 60), at(roll, 1400, 60));
    expect(notes(session)).toEqual([{ pitch: 60, start: 480, duration: 960, velocity: 96 }]);
    expect(session.selection.size).toBe(1);
    expect(sounds).toEqual([60]);
    expect(roll.preview).toBeUndefined();
  });

  it('a click with the draw tool gives a note of the last drawn length; Alt draws off the grid', () => {
    roll.setTool('draw');
    drag(roll, at(roll, 0, 60), at(roll, 240, 60));
    const click = at(roll, 2000, 64);
    roll.pointerDown(click, false);
    roll.pointerUp(click);
    drag(roll, at(roll, 3037, 67, { alt: true }), at(roll, 3300, 67, { alt: true }));
    const [, second, third] = notes(session);
    expect(second).toMatchObject({ pitch: 64, start: 1920, duration: 240 });
    expect(third.pitch).toBe(67);
    expect(third.start % 120).not.toBe(0);
    expect(session.undoLabel).toBe('Add note');
  });

  it('moves a note by dragging its body (snapped) and copies it with Ctrl', () => {
    roll.setTool('draw');
    drag(roll, at(roll, 0, 60), at(roll, 480, 60));
    roll.setTool('select');
    drag(roll, at(roll, 240, 60), at(roll, 240 + 970, 63));
    expect(notes(session)).toEqual([{ pitch: 63, start: 960, duration: 480, velocity: 96 }]);
    drag(roll, at(roll, 1200, 63), at(roll, 1200 + 480, 63, { ctrl: true }));
    expect(notes(session).map((n) => [n.pitch, n.start])).toEqual([
      [63, 960],
      [63, 1440],
    ]);
    session.undo();
    session.undo();
    expect(notes(session)).toEqual([{ pitch: 60, start: 0, duration: 480, velocity: 96 }]);
  });

  it('resizes from the end edge and from the start edge', () => {
    roll.setTool('draw');
    drag(roll, at(roll, 960, 60), at(roll, 1920, 60));
    roll.setTool('select');
    const endEdge = { ...at(roll, 1920, 60), x: tickToX(roll.view, 1920) - 2 };
    drag(roll, endEdge, { ...endEdge, x: tickToX(roll.view, 2400) });
    expect(notes(session)[0]).toMatchObject({ start: 960, duration: 1440 });
    const startEdge = { ...at(roll, 960, 60), x: tickToX(roll.view, 960) + 2 };
    drag(roll, startEdge, { ...startEdge, x: tickToX(roll.view, 480) });
    expect(notes(session)[0]).toMatchObject({ start: 480, duration: 1920 });
  });

  it('selects with click, Shift-click and a rubber band; clicking empty space clears it', () => {
    const trackId = session.activeTrackId;
    const ids = [newNoteId(), newNoteId(), newNoteId()];
    session.apply({
      type: 'addNotes',
      trackId,
      notes: ids.map((id, i) => ({ id, pitch: 60 + i * 2, velocity: 80, start: i * 960, duration: 480 })),
    });
    const click = (tick: number, pitch: number, shift = false) => {
      const p = at(roll, tick, pitch, { shift });
      roll.pointerDown(p, false);
      roll.pointerUp(p);
    };
    click(100, 60);
    expect([...session.selection]).toEqual([ids[0]]);
    click(1000, 62, true);
    expect(new Set(session.selection)).toEqual(new Set([ids[0], ids[1]]));
    click(1000, 62, true);
    expect([...session.selection]).toEqual([ids[0]]);
    click(5000, 70);
    expect(session.selection.size).toBe(0);
    drag(roll, at(roll, 900, 66), at(roll, 3000, 61));
    expect(new Set(session.selection)).toEqual(new Set([ids[1], ids[2]]));
    expect(session.canUndo).toBe(true);
    expect(session.undoLabel).toBe('Add 3 notes');
  });

  it('erases the notes a drag crosses in one edit; right-drag erases with any tool', () => {
    roll.setTool('draw');
    drag(roll, at(roll, 0, 60), at(roll, 480, 60));
    drag(roll, at(roll, 960, 60), at(roll, 1440, 60));
    drag(roll, at(roll, 1920, 60), at(roll, 2400, 60));
    roll.setTool('erase');
    drag(roll, at(roll, 100, 60), at(roll, 1000, 60));
    expect(notes(session).map((n) => n.start)).toEqual([1920]);
    session.undo();
    expect(notes(session)).toHaveLength(3);
    roll.setTool('select');
    const p = at(roll, 2000, 60);
    roll.pointerDown(p, true);
    roll.pointerUp(p);
    expect(notes(session).map((n) => n.start)).toEqual([0, 960]);
  });

  it('sets velocity in the lane for the stem grabbed, or for the whole selection', () => {
    roll.setTool('draw');
    drag(roll, at(roll, 0, 60), at(roll, 480, 60));
    drag(roll, at(roll, 960, 64), at(roll, 1440, 64));
    roll.laneHeight = 127;
    const lane = (tick: number, velocity: number) => ({
      x: tickToX(roll.view, tick),
      y: 127 - velocity,
      shift: false,
      alt: false,
      ctrl: false,
    });
    session.select(new Set());
    roll.lanePointerDown(lane(0, 100));
    roll.lanePointerMove(lane(0, 50));
    roll.lanePointerUp(lane(0, 40));
    expect(notes(session).map((n) => n.velocity)).toEqual([40, 96]);
    roll.run('selectAll');
    roll.lanePointerDown(lane(960, 110));
    roll.lanePointerUp(lane(960, 110));
    expect(notes(session).map((n) => n.velocity)).toEqual([110, 110]);
    expect(session.undoLabel).toBe('Set velocity');
  });

  it('runs the keyboard commands: transpose, nudge, duplicate, copy/paste at the playhead, quantize, delete', () => {
    const trackId = session.activeTrackId;
    session.apply({
      type: 'addNotes',
      trackId,
      notes: [
        { id: newNoteId(), pitch: 60, velocity: 80, start: 13, duration: 470 },
        { id: newNoteId(), pitch: 64, velocity: 80, start: 1447, duration: 400 },
      ],
    });
    roll.run('selectAll');
    roll.run('octaveUp');
    roll.run('transposeDown');
    expect(notes(session).map((n) => n.pitch)).toEqual([71, 75]);
    roll.quantize = { grid: 480, strength: 1, mode: 'start' };
    roll.run('quantize');
    expect(notes(session).map((n) => n.start)).toEqual([0, 1440]);
    roll.run('nudgeRight');
    expect(notes(session).map((n) => n.start)).toEqual([120, 1560]);
    roll.run('nudgeLeft');
    roll.run('duplicate');
    expect(notes(session).map((n) => n.start)).toEqual([0, 1440, 1920, 3360]);
    expect(session.selection.size).toBe(2);
    roll.run('copy');
    session.playheadTick = 7680;
    roll.run('paste');
    expect(notes(session).map((n) => n.start)).toEqual([0, 1440, 1920, 3360, 7680, 9120]);
    roll.run('delete');
    expect(notes(session)).toHaveLength(4);
    roll.run('undo');
    expect(notes(session)).toHaveLength(6);
    roll.run('redo');
    expect(notes(session)).toHaveLength(4);
    roll.run('selectAll');
    roll.run('cut');
    expect(notes(session)).toHaveLength(0);
    session.playheadTick = 480;
    roll.run('paste');
    expect(notes(session).map((n) => n.start)).toEqual([480, 1920, 2400, 3840]);
  });

  it('a double click with the select tool adds a note on an empty spot and deletes one it hits', () => {
    roll.doubleClick(at(roll, 1000, 65));
    expect(notes(session)).toEqual([{ pitch: 65, start: 960, duration: 480, velocity: 96 }]);
    roll.doubleClick(at(roll, 1200, 65));
    expect(notes(session)).toEqual([]);
    roll.setTool('draw');
    roll.doubleClick(at(roll, 1000, 65));
    expect(notes(session)).toEqual([]);
  });

  it('zooms around the pointer and scrolls on both axes, never before tick 0', () => {
    const tickUnder = roll.view.scrollTick + 300 / roll.view.pxPerTick;
    roll.wheel({ x: 300, y: 100, dx: 0, dy: -200, ctrl: true, shift: false, alt: false });
    expect(roll.view.pxPerTick).toBeGreaterThan(0.1);
    expect(roll.view.scrollTick + 300 / roll.view.pxPerTick).toBeCloseTo(tickUnder, 6);
    roll.wheel({ x: 0, y: 0, dx: 0, dy: -100000, ctrl: false, shift: true, alt: false });
    expect(roll.view.scrollTick).toBe(0);
    const y = roll.view.scrollY;
    roll.wheel({ x: 0, y: 0, dx: 0, dy: 48, ctrl: false, shift: false, alt: false });
    expect(roll.view.scrollY).toBe(y + 48);
    roll.zoomToFit();
    expect(roll.view.pxPerTick).toBeGreaterThan(0);
  });
});

describe('a fresh start (project opened or imported)', () => {
  it('the roll goes back to the Select tool and tells the toolbar', () => {
    const roll = new RollController(new ProjectSession(), () => undefined);
    const told: string[] = [];
    roll.onTool = (tool) => told.push(tool);
    roll.setTool('draw');
    roll.startFresh();
    expect(roll.tool).toBe('select');
    expect(told).toEqual(['draw', 'select']);
    // Already on Select: nothing to tell.
    roll.startFresh();
    expect(told).toEqual(['draw', 'select']);
  });
});
