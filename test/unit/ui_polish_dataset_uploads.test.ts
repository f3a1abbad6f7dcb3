import { mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatasetUploads, storedName, sweepUnusedUploads } from '../../src/main/app/dataset_uploads.ts';
import { DatasetUploadPayloadSchema, MAX_UPLOAD_BYTES, type UploadId } from '../../src/shared/ipc/index.ts';
import {
  fromFileList,
  isUploadFolder,
  keepAbcText,
  looksLikeAbc,
  screenFiles,
  uploadName,
} from '../../src/renderer/src/lib/dataset_upload_rules.ts';

const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('datasets.upload payloads', () => {
  it('take plain relative paths of music files and refuse escapes, drives and other kinds', () => {
    const ok = (relativePath: string) =>
      DatasetUploadPayloadSchema.safeParse({ relativePath, dataBase64: base64('x') }).success;
    expect(ok('a.mid')).toBe(true);
    expect(ok('folder/sub/Tune.ABC')).toBe(true);
    expect(ok('book.txt')).toBe(true);
    expect(ok('../a.mid')).toBe(false);
    expect(ok('folder/../../a.mid')).toBe(false);
    expect(ok('/etc/a.mid')).toBe(false);
    expect(ok('C:\\a.mid')).toBe(false);
    expect(ok('a.pdf')).toBe(false);
    expect(ok('folder//a.mid')).toBe(false);
  });
});

describe('DatasetUploads (the host side)', () => {
  let dataDir: string;
  let root: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'continuo-uploads-'));
    root = path.join(dataDir, 'uploads');
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes each file of an upload into its own folder, keeping folders and every same-named file', async () => {
    const uploads = new DatasetUploads(root);
    const first = await uploads.receive({
      relativePath: 'jigs/a.abc',
      dataBase64: base64('X:1\nK:D\nabc|\n'),
    });
    const second = await uploads.receive({
      uploadId: first.uploadId,
      relativePath: 'jigs/A.abc',
      dataBase64: base64('X:2\nK:G\ndef|\n'),
    });
    const third = await uploads.receive({
      uploadId: first.uploadId,
      relativePath: 'book.txt',
      dataBase64: base64('X:3\nK:A\nfed|\n'),
    });
    expect(second.uploadId).toBe(first.uploadId);
    expect(second.folder).toBe(first.folder);
    expect(path.dirname(first.folder)).toBe(root);
    expect(isUploadFolder(first.folder)).toBe(true);
    expect(readdirSync(path.join(first.folder, 'jigs')).sort()).toEqual(['A (2).abc', 'a.abc']);
    expect(readFileSync(second.file, 'utf8')).toContain('X:2');
    // ABC text in a .txt file is stored so the importer reads it as ABC.
    expect(path.basename(third.file)).toBe('book.txt.abc');
    expect(readFileSync(third.file, 'utf8')).toContain('X:3');
    // A new upload gets a folder of its own.
    const other = await uploads.receive({ relativePath: 'a.mid', dataBase64: base64('MThd') });
    expect(other.folder).not.toBe(first.folder);
  });

  it('refuses an unknown upload (the host restarted) and a file over the cap', async () => {
    const uploads = new DatasetUploads(root);
    await expect(
      uploads.receive({
        uploadId: 'upload-gone' as UploadId,
        relativePath: 'a.mid',
        dataBase64: base64('x'),
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const big = Buffer.alloc(MAX_UPLOAD_BYTES + 3).toString('base64');
    await expect(uploads.receive({ relativePath: 'big.mid', dataBase64: big })).rejects.toMatchObject({
      code: 'bad_payload',
      message: expect.stringContaining('at most 2.9 MB'),
    });
  });

  it('sweeps day-old upload folders no dataset uses, and keeps the used and the recent ones', async () => {
    const uploads = new DatasetUploads(root);
    const used = path.join(root, 'upload-used');
    const old = path.join(root, 'upload-old');
    const fresh = path.join(root, 'upload-fresh');
    for (const dir of [used, old, fresh]) await mkdir(dir, { recursive: true });
    const dayAgo = new Date(Date.now() - 25 * 3600 * 1000);
    utimesSync(used, dayAgo, dayAgo);
    utimesSync(old, dayAgo, dayAgo);
    expect(await uploads.sweep([used, '/somewhere/else'])).toBe(1);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(used)).toBe(true);
    expect(existsSync(fresh)).toBe(true);
  });

  it('sweeps nothing while a dataset record cannot be read (it might use any upload)', async () => {
    const uploads = new DatasetUploads(root);
    const datasets = path.join(dataDir, 'datasets');
    const old = path.join(root, 'upload-old');
    await mkdir(old, { recursive: true });
    await mkdir(datasets);
    const dayAgo = new Date(Date.now() - 25 * 3600 * 1000);
    utimesSync(old, dayAgo, dayAgo);
    await writeFile(path.join(datasets, 'broken.json'), '{ not json');
    expect(await sweepUnusedUploads(uploads, datasets)).toBe(0);
    expect(existsSync(old)).toBe(true);
    expect(await sweepUnusedUploads(uploads, path.join(dataDir, 'missing'))).toBe(0);
    rmSync(path.join(datasets, 'broken.json'));
    expect(await sweepUnusedUploads(uploads, datasets)).toBe(1);
    expect(existsSync(old)).toBe(false);
  });

  it('stores .txt as .abc and leaves other names alone', () => {
    expect(storedName('a/Book.TXT')).toBe('a/Book.TXT.abc');
    expect(storedName('a.mid')).toBe('a.mid');
  });
});

describe('picked files on the page', () => {
  const file = (name: string, size = 10, relative = '') => {
    const f = new File([new Uint8Array(size)], name);
    if (relative) Object.defineProperty(f, 'webkitRelativePath', { value: relative });
    return f;
  };

  it('sends music files, refuses the oversized one with the cap said, and counts the rest', () => {
    const screened = screenFiles(
      fromFileList([file('a.mid'), file('b.ABC'), file('notes.pdf'), file('huge.mid', MAX_UPLOAD_BYTES + 1)]),
    );
    expect(screened.sendable.map((p) => p.relativePath)).toEqual(['a.mid', 'b.ABC']);
    expect(screened.otherKinds).toBe(1);
    expect(screened.refused).toHaveLength(1);
    expect(screened.refused[0].name).toBe('huge.mid');
    expect(screened.refused[0].reason).toMatch(/too large \(2\.90 MB\).*at most 2\.9 MB/);
  });

  it('names the dataset after the picked folder, else the first file', () => {
    const inFolder = fromFileList([file('a.mid', 1, 'Reels/a.mid'), file('b.mid', 1, 'Reels/sub/b.mid')]);
    expect(inFolder.map((p) => p.relativePath)).toEqual(['Reels/a.mid', 'Reels/sub/b.mid']);
    expect(uploadName(inFolder)).toBe('Reels');
    expect(uploadName(fromFileList([file('first tune.abc'), file('b.mid')]))).toBe('first tune (+1 more)');
    expect(uploadName(fromFileList([file('only.mid')]))).toBe('only');
  });

  it('takes a .txt only when it holds an ABC tune', async () => {
    expect(looksLikeAbc('T:Title\nX:1\nK:D\nabc|')).toBe(true);
    expect(looksLikeAbc('Notes about the reels, e.g. X marks the spot')).toBe(false);
    const picked = fromFileList([
      new File(['X:1\nT:Jig\nK:G\nGAB|'], 'tunes.txt'),
      new File(['just words'], 'README.txt'),
      new File([new Uint8Array(4)], 'a.mid'),
    ]);
    const { kept, leftOut } = await keepAbcText(picked);
    expect(kept.map((p) => p.relativePath)).toEqual(['tunes.txt', 'a.mid']);
    expect(leftOut).toBe(1);
  });
});
