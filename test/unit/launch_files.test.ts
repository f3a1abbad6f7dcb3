import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LaunchFileQueue, launchFileKind, launchFilesFromArgv } from '../../src/main/app/launch_files.ts';
import { LaunchFileSchema, type LaunchFile } from '../../src/shared/ipc/index.ts';

const cwd = path.resolve('/home/ann/music');

describe('launchFilesFromArgv', () => {
  it('finds the double-clicked file after a packaged executable (Windows, Linux)', () => {
    expect(launchFilesFromArgv(['/opt/Continuo/continuo', '/home/ann/Tunes/Reel.continuo'], { cwd })).toEqual(
      [{ path: path.resolve('/home/ann/Tunes/Reel.continuo'), kind: 'project' }],
    );
    expect(launchFilesFromArgv(['C:\\Continuo\\Continuo.exe'], { cwd })).toEqual([]);
  });

  it('skips the app folder in development, flags, and our flags\u2019 values; resolves relative paths', () => {
    const argv = [
      '/repo/node_modules/electron/dist/electron',
      '.',
      '--no-sandbox',
      '--data-dir',
      'elsewhere.mid',
      '--original-process-start-time=1234',
      'take.MID',
      '../projects/Song.continuo',
    ];
    expect(launchFilesFromArgv(argv, { cwd, defaultApp: true })).toEqual([
      { path: path.join(cwd, 'take.MID'), kind: 'music' },
      { path: path.resolve(cwd, '../projects/Song.continuo'), kind: 'project' },
    ]);
    // Packaged, the same arguments would treat '.' as an argument: it is no file to open.
    expect(launchFilesFromArgv(argv, { cwd }).map((file) => file.kind)).toEqual(['music', 'project']);
  });

  it('reads file:// URLs (Linux desktops pass %U) and ignores other URLs, other files and repeats', () => {
    const url = pathToFileURL(path.resolve('/tmp/My Jig.abc')).href;
    const argv = [
      'continuo',
      url,
      'https://example.com/a.mid',
      'notes.txt',
      'song.mid',
      'song.mid',
      'folder',
    ];
    expect(launchFilesFromArgv(argv, { cwd })).toEqual([
      { path: path.resolve('/tmp/My Jig.abc'), kind: 'music' },
      { path: path.join(cwd, 'song.mid'), kind: 'music' },
    ]);
  });

  it('gives events the contract accepts', () => {
    for (const file of launchFilesFromArgv(['x', 'a.midi', 'b.continuo'], { cwd }))
      expect(LaunchFileSchema.parse(file)).toEqual(file);
  });
});

describe('launchFileKind', () => {
  it('opens projects and imports music, case-insensitively', () => {
    expect(launchFileKind('a.CONTINUO')).toBe('project');
    expect(launchFileKind('a.mid')).toBe('music');
    expect(launchFileKind('a.Midi')).toBe('music');
    expect(launchFileKind('a.abc')).toBe('music');
    expect(launchFileKind('a.continuo.bak')).toBeUndefined();
    expect(launchFileKind('mid')).toBeUndefined();
  });
});

describe('LaunchFileQueue', () => {
  it('holds files until a page listens, then hands over every later one at once', () => {
    const queue = new LaunchFileQueue();
    const a: LaunchFile = { path: '/a.continuo', kind: 'project' };
    const b: LaunchFile = { path: '/b.mid', kind: 'music' };
    queue.push(a);
    expect(queue.waiting()).toEqual([a]);
    const delivered: LaunchFile[] = [];
    queue.ready((file) => delivered.push(file) > 0);
    expect(delivered).toEqual([a]);
    queue.push(b);
    expect(delivered).toEqual([a, b]);
    expect(queue.waiting()).toEqual([]);
  });

  it('keeps a file no page took until the next page is ready', () => {
    const queue = new LaunchFileQueue();
    const file: LaunchFile = { path: '/c.continuo', kind: 'project' };
    queue.ready(() => false); // the last window was closed
    queue.push(file);
    expect(queue.waiting()).toEqual([file]);
    const delivered: LaunchFile[] = [];
    queue.ready((f) => delivered.push(f) > 0);
    expect(delivered).toEqual([file]);
    expect(queue.waiting()).toEqual([]);
  });
});
