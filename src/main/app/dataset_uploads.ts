import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  IpcError,
  MAX_UPLOAD_BYTES,
  MAX_UPLOAD_FILES,
  MAX_UPLOAD_TOTAL_BYTES,
  UploadIdSchema,
  type DatasetUploaded,
  type ParsedPayloadOf,
  type UploadId,
} from '../../shared/ipc/index.ts';
import { writeFileAtomic } from '../engine/storage/atomic.ts';
import { DatasetStore } from './storage/dataset_store.ts';

/** How long an upload folder no dataset uses is kept (an import may still be on its way). */
const UNUSED_UPLOAD_MS = 24 * 3600 * 1000;

/** One upload being received: its folder and what it holds so far. */
interface OpenUpload {
  folder: string;
  files: number;
  bytes: number;
  /** Relative paths as written (lower-case), so a second file of the same name is not lost. */
  taken: Set<string>;
}

/**
 * Music files the page sends for a dataset (the browser has no paths): each upload gets a
 * folder of its own in the data folder's `uploads/`, files are written atomically under their
 * names (folders kept), and the dataset is imported from that folder. The folder is the
 * dataset's music from then on, as a picked folder would be.
 */
export class DatasetUploads {
  readonly #open = new Map<string, OpenUpload>();

  constructor(private readonly root: string) {}

  /** Writes one file into its upload (a new one when `uploadId` is absent). */
  async receive(payload: ParsedPayloadOf<'datasets.upload'>): Promise<DatasetUploaded> {
    const bytes = Buffer.from(payload.dataBase64, 'base64');
    if (bytes.length > MAX_UPLOAD_BYTES)
      throw new IpcError({
        code: 'bad_payload',
        message: `${payload.relativePath} is ${(bytes.length / 1e6).toFixed(1)} MB; files sent from the page can be at most ${(MAX_UPLOAD_BYTES / 1e6).toFixed(1)} MB`,
      });
    const [uploadId, upload] = payload.uploadId
      ? [payload.uploadId, this.#known(payload.uploadId)]
      : await this.#start();
    if (upload.files >= MAX_UPLOAD_FILES)
      throw new IpcError({
        code: 'bad_payload',
        message: `An upload holds at most ${MAX_UPLOAD_FILES} files; import the rest as a second dataset`,
      });
    if (upload.bytes + bytes.length > MAX_UPLOAD_TOTAL_BYTES)
      throw new IpcError({
        code: 'bad_payload',
        message: `An upload holds at most ${MAX_UPLOAD_TOTAL_BYTES / 1e9} GB; import the rest as a second dataset`,
      });
    const relative = this.#freeName(upload, storedName(payload.relativePath));
    const file = path.join(upload.folder, ...relative.split('/'));
    await writeFileAtomic(file, bytes);
    upload.files++;
    upload.bytes += bytes.length;
    return { uploadId, folder: upload.folder, file, bytes: bytes.length };
  }

  /**
   * Removes upload folders no dataset uses (`used`: every dataset's paths) once they are a day
   * old: uploads never imported, and those of removed datasets. Returns how many went.
   */
  async sweep(used: readonly string[], now = Date.now()): Promise<number> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    const kept = new Set(used.map((p) => path.resolve(p)));
    let removed = 0;
    for (const entry of entries) {
      if (!entry.isDirectory() || this.#open.has(entry.name)) continue;
      const folder = path.resolve(this.root, entry.name);
      if ([...kept].some((p) => p === folder || p.startsWith(folder + path.sep))) continue;
      const { mtimeMs } = await stat(folder);
      if (now - mtimeMs < UNUSED_UPLOAD_MS) continue;
      await rm(folder, { recursive: true, force: true });
      removed++;
    }
    return removed;
  }

  #known(uploadId: UploadId): OpenUpload {
    const upload = this.#open.get(uploadId);
    if (!upload)
      throw new IpcError({
        code: 'not_found',
        message: 'That upload is no longer open (the host restarted?): choose the files again',
      });
    return upload;
  }

  async #start(): Promise<[UploadId, OpenUpload]> {
    const uploadId = UploadIdSchema.parse(
      `upload-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`,
    );
    const upload: OpenUpload = {
      folder: path.join(this.root, uploadId),
      files: 0,
      bytes: 0,
      taken: new Set(),
    };
    await mkdir(upload.folder, { recursive: true });
    this.#open.set(uploadId, upload);
    return [uploadId, upload];
  }

  /** `name`, or `name (2)`, `name (3)`… before the extension when an earlier file took it. */
  #freeName(upload: OpenUpload, name: string): string {
    const ext = path.posix.extname(name);
    const stem = name.slice(0, name.length - ext.length);
    let candidate = name;
    for (let n = 2; upload.taken.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`;
    upload.taken.add(candidate.toLowerCase());
    return candidate;
  }
}

/** The name a file is stored under: `.txt` is ABC text, so it gets `.abc` for the importer. */
export function storedName(relativePath: string): string {
  return relativePath.toLowerCase().endsWith('.txt') ? `${relativePath}.abc` : relativePath;
}

/**
 * Sweeps the upload folders no dataset of `datasetsDir` uses. Nothing goes when a record there
 * cannot be read (or the folder itself): that dataset might use any of them.
 */
export async function sweepUnusedUploads(uploads: DatasetUploads, datasetsDir: string): Promise<number> {
  let unreadable = false;
  try {
    await readdir(datasetsDir);
  } catch {
    return 0;
  }
  const datasets = await new DatasetStore(datasetsDir, () => (unreadable = true)).list();
  if (unreadable) return 0;
  return uploads.sweep(datasets.flatMap((dataset) => dataset.paths));
}
