/**
 * Which music files from this computer a dataset upload takes, and how the page speaks of them:
 * the kinds (a `.txt` only with an ABC tune in it), the size cap, the dataset's name from what
 * was picked. No DOM and no transport here (see dataset_upload.ts for those).
 */
import {
  DatasetUploadPayloadSchema,
  MAX_UPLOAD_BYTES,
  MAX_UPLOAD_FILES,
  UPLOAD_EXTENSIONS,
  isUploadable,
} from '../../../shared/ipc/index.ts';

/** What the page needs of a picked file (a browser `File` is one). */
export interface UploadableFile {
  readonly name: string;
  readonly size: number;
  /** Where it sits inside a picked folder ('' when a file was picked alone). */
  readonly webkitRelativePath?: string;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A file and where it sits inside what was picked (`folder/sub/a.mid`, or just its name). */
export interface PickedFile {
  file: UploadableFile;
  relativePath: string;
}

/** A file that was not sent (or not taken by the host), and why, in words. */
export interface RefusedFile {
  name: string;
  reason: string;
}

/** What can be sent, what cannot and why, and how many files of other kinds were left out. */
export interface Screened {
  sendable: PickedFile[];
  refused: RefusedFile[];
  /** Files that are no music (a folder's README, images): left out, only counted. */
  otherKinds: number;
}

/** Files from this computer, sent to the host and ready to import as one dataset. */
export interface ReadyUpload {
  /** The host's upload folder: the import's one path. */
  folder: string;
  /** The dataset's name unless one is typed. */
  name: string;
  files: number;
  bytes: number;
}

/** "2.9 MB": the cap as the page says it. */
export const UPLOAD_CAP_TEXT = `${(MAX_UPLOAD_BYTES / 1e6).toFixed(1)} MB`;

/** "840 KB", "2.1 MB": a size as the page says it. */
export function sizeText(bytes: number): string {
  return bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} KB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** True for a folder the host made for an upload (`<data>/uploads/upload-…`). */
export function isUploadFolder(folder: string): boolean {
  return /[\\/]uploads[\\/]upload-[a-z0-9-]+[\\/]?$/.test(folder);
}

/** The accept list of the file picker. */
export const UPLOAD_ACCEPT = UPLOAD_EXTENSIONS.join(',');

/** Files from a file input (a folder picker gives each file's path inside the folder). */
export function fromFileList(files: Iterable<UploadableFile>): PickedFile[] {
  return [...files].map((file) => ({
    file,
    relativePath: (file.webkitRelativePath || file.name).replace(/\\/g, '/'),
  }));
}

/** Sorts picked files into those that can go and those that cannot (with the reason). */
export function screenFiles(picked: readonly PickedFile[]): Screened {
  const sendable: PickedFile[] = [];
  const refused: RefusedFile[] = [];
  let otherKinds = 0;
  for (const item of picked) {
    const name = item.relativePath;
    if (!isUploadable(name)) otherKinds++;
    else if (item.file.size > MAX_UPLOAD_BYTES)
      refused.push({
        name,
        reason: `too large (${(item.file.size / 1e6).toFixed(2)} MB): a file sent from the page can be at most ${UPLOAD_CAP_TEXT}; give its path in the field above instead`,
      });
    else if (!DatasetUploadPayloadSchema.shape.relativePath.safeParse(name).success)
      refused.push({ name, reason: 'its name holds characters the host cannot store (\\, : or NUL)' });
    else if (sendable.length >= MAX_UPLOAD_FILES)
      refused.push({ name, reason: `one upload takes at most ${MAX_UPLOAD_FILES} files` });
    else sendable.push(item);
  }
  return { sendable, refused, otherKinds };
}

/** True when a text file holds an ABC tune (a reference-number line `X:`). */
export function looksLikeAbc(text: string): boolean {
  return /^X:[ \t]*\d*/m.test(text);
}

/**
 * `.txt` files are taken as ABC text only when they hold a tune (a folder's README does not):
 * returns the files to send and how many text files were left out.
 */
export async function keepAbcText(
  files: readonly PickedFile[],
): Promise<{ kept: PickedFile[]; leftOut: number }> {
  const kept: PickedFile[] = [];
  let leftOut = 0;
  for (const item of files) {
    if (!item.relativePath.toLowerCase().endsWith('.txt') || looksLikeAbc(await item.file.text()))
      kept.push(item);
    else leftOut++;
  }
  return { kept, leftOut };
}

/**
 * The dataset's name from what was picked: the folder's name when everything came from one
 * folder, else the first file's name (and how many more).
 */
export function uploadName(picked: readonly PickedFile[]): string {
  const first = picked[0]?.relativePath ?? 'Uploaded music';
  const folder = first.includes('/') ? first.split('/')[0] : undefined;
  if (folder && picked.every((p) => p.relativePath.startsWith(`${folder}/`))) return folder.slice(0, 200);
  const stem = (first.split('/').pop() ?? first).replace(/\.[^.]+$/, '');
  return (picked.length > 1 ? `${stem} (+${picked.length - 1} more)` : stem).slice(0, 200);
}
