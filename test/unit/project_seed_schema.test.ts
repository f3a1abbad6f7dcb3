import { describe, expect, it } from 'vitest';
import { projectToSequence, sequenceToTracks } from '../../src/shared/project/convert.ts';
import { parseProjectFile, serializeProject } from '../../src/shared/project/schema.ts';
import { seedRange, seedSequence } from '../../src/shared/project/seed.ts';
import { PPQ, type Project } from '../../src/shared/project/types.ts';
import { note, sampleProject, tid } from './project_fixtures.ts';

const BAR = 4 * PPQ;

describe('seedRange', () => {
  const project = sampleProject(); // 120 qpm 4/4: a bar is 2 s

  it('takes the last bars before the playhead, the current bar counting as one', () => {
    expect(seedRange(project, 6 * BAR, 4)).toEqual({ startTick: 2 * BAR, endTick: 6 * BAR });
    expect(seedRange(project, 6 * BAR + 100, 4)).toEqual({ startTick: 3 * BAR, endTick: 6 * BAR + 100 });
    expect(seedRange(project, 2 * BAR, 8)).toEqual({ startTick: 0, endTick: 2 * BAR });
  });

  it('never covers more than 15 s, and 0 bars means from the start', () => {
    const { startTick, endTick } = seedRange(project, 40 * BAR, 16);
    expect(endTick).toBe(40 * BAR);
    expect(endTick - startTick).toBe(15 * 2 * PPQ); // 15 s at 2 quarters a second
    expect(seedRange(project, 40 * BAR, 0)).toEqual({ startTick: 0, endTick: 40 * BAR });
    const slow = { ...project, tempos: [{ tick: 0, qpm: 60 }] };
    expect(seedRange(slow, 10 * BAR, 8).startTick).toBe(10 * BAR - 15 * PPQ);
  });
});

describe('seedSequence', () => {
  it('holds exactly the notes starting in the range, cut at its end, shifted to 0', () => {
    const project = sampleProject();
    const range = { startTick: 480, endTick: 1080 };
    const seed = seedSequence(project, range, [tid('a'), tid('b')]);
    // a2 (480, 480 long) and a3 (960, cut at 1080); b1 starts at 0, outside.
    expect(seed.notes.map((n) => [n.pitch, n.startTime, n.endTime])).toEqual([
      [64, 0, 0.5],
      [67, 0.5, 0.625],
    ]);
    expect(seed.totalTime).toBeCloseTo(0.625, 12);
    expect(seed.tempos).toEqual([{ time: 0, qpm: 120 }]);
  });
});

describe('projectToSequence and sequenceToTracks', () => {
  it('skips muted tracks unless named, plays solo tracks only, follows the tempo map', () => {
    const p = sampleProject();
    p.tracks[1] = { ...p.tracks[1], mute: true };
    p.tempos = [
      { tick: 0, qpm: 120 },
      { tick: 960, qpm: 60 },
    ];
    const all = projectToSequence(p);
    expect(all.instruments.map((i) => i.name)).toEqual(['Piano', 'Take 1']);
    const a3 = all.notes.find((n) => n.pitch === 67)!;
    expect(a3.startTime).toBeCloseTo(1, 12);
    expect(a3.endTime).toBeCloseTo(1.5, 12);
    expect(all.tempos).toEqual([
      { time: 0, qpm: 120 },
      { time: 1, qpm: 60 },
    ]);
    expect(projectToSequence(p, { trackIds: [tid('b')] }).notes).toHaveLength(1);
    p.tracks[2] = { ...p.tracks[2], solo: true };
    expect(projectToSequence(p).instruments.map((i) => i.name)).toEqual(['Take 1']);
  });

  it('round-trips tracks, tempo and meter through a sequence', () => {
    const p = sampleProject();
    p.tempos = [
      { tick: 0, qpm: 100 },
      { tick: 1920, qpm: 150 },
    ];
    p.timeSignatures = [{ tick: 0, numerator: 3, denominator: 4 }];
    p.key = { tonic: 7, mode: 'major' };
    const back = sequenceToTracks(projectToSequence(p));
    expect(back.tempos).toEqual(p.tempos);
    expect(back.timeSignatures).toEqual(p.timeSignatures);
    expect(back.key).toEqual(p.key);
    expect(back.tracks.map((t) => [t.name, t.program, t.kind])).toEqual([
      ['Piano', 0, 'imported'],
      ['Bass', 32, 'imported'],
      ['Take 1', 0, 'imported'],
    ]);
    const strip = (list: Project['tracks'][number]['notes']) => list.map(({ id: _id, ...rest }) => rest);
    back.tracks.forEach((t, i) => expect(strip(t.notes)).toEqual(strip(p.tracks[i].notes)));
  });
});

describe('parseProjectFile', () => {
  it('reads back what it wrote', () => {
    const p = sampleProject();
    const parsed = parseProjectFile(serializeProject(p));
    expect(parsed).toEqual({ ok: true, project: p });
  });

  it('refuses a newer schema with future_version', () => {
    const text = serializeProject({ ...sampleProject(), schemaVersion: 2 as never });
    const parsed = parseProjectFile(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.reason).toBe('future_version');
      expect(parsed.message).toMatch(/newer Continuo/);
    }
  });

  it('refuses damaged files with corrupt and a reason', () => {
    const p = sampleProject();
    const cases: [string, RegExp][] = [
      ['{"schemaVersion": 1, "tracks": [', /not valid JSON/],
      ['[]', /not a Continuo project/],
      ['{"name": "x"}', /no schema version/],
      [
        serializeProject({ ...p, tracks: [{ ...p.tracks[0], notes: [note('x', 200, 0)] }] }),
        /tracks\[0\]\.notes\[0\]\.pitch/,
      ],
      [
        serializeProject({ ...p, tracks: [p.tracks[0], { ...p.tracks[1], notes: [note('a1', 60, 0)] }] }),
        /repeated note id/,
      ],
      [serializeProject({ ...p, tempos: [{ tick: 5, qpm: 120 }] }), /tempo/],
      [serializeProject(p).slice(0, 200), /not valid JSON/],
    ];
    for (const [text, message] of cases) {
      const parsed = parseProjectFile(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.reason).toBe('corrupt');
        expect(parsed.message).toMatch(message);
      }
    }
  });

  it('keeps fields it does not know and sorts notes', () => {
    const p = sampleProject();
    const shuffled = {
      ...p,
      extra: { a: 1 },
      tracks: [{ ...p.tracks[0], notes: [...p.tracks[0].notes].reverse() }],
    };
    const parsed = parseProjectFile(JSON.stringify(shuffled));
    expect(parsed.ok && parsed.project.tracks[0].notes).toEqual(p.tracks[0].notes);
    expect(parsed.ok && (parsed.project as unknown as { extra: unknown }).extra).toEqual({ a: 1 });
  });
});
