/**
 * Music files from this computer for a dataset, in the browser (which gives the page files, not
 * paths): sending them one request each into one upload folder on the host, which is then
 * imported. What to send: dataset_upload_rules.ts; reading a drop: dataset_drop.ts.
 */
import type { ContinuoApi } from '../../../shared/ipc/api.ts';
import { IpcError } from '../../../shared/ipc/errors.ts';
import type { UploadId } from '../../../shared/ipc/index.ts';
import type { PickedFile, RefusedFile } from './dataset_upload_rules.ts';
import { errorText, toBase64 } from './request_wire.ts';

/** How far an upload is. */
export interface UploadProgress {
  done: number;
  total: number;
  /** The file being sent. */
  name: string;
}

/** The end of an upload: the folder to import (when anything arrived), and every refusal. */
export interface UploadResult {
  folder: string | undefined;
  files: number;
  bytes: number;
  refused: RefusedFile[];
  cancelled: boolean;
}

/**
 * Sends the files one by one into one upload folder. A file the host refuses is listed with its
 * reason and the rest go on; `signal` stops between files.
 */
export async function uploadFiles(
  api: ContinuoApi,
  files: readonly PickedFile[],
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<UploadResult> {
  let uploadId: UploadId | undefined;
  let folder: string | undefined;
  const result: UploadResult = { folder: undefined, files: 0, bytes: 0, refused: [], cancelled: false };
  for (const [index, { file, relativePath }] of files.entries()) {
    onProgress({ done: index, total: files.length, name: relativePath });
    if (signal?.aborted) {
      result.cancelled = true;
      break;
    }
    try {
      const dataBase64 = toBase64(new Uint8Array(await file.arrayBuffer()));
      const sent = await api.request('datasets.upload', {
        ...(uploadId ? { uploadId } : {}),
        relativePath,
        dataBase64,
      });
      uploadId = sent.uploadId;
      folder = sent.folder;
      result.files++;
      result.bytes += sent.bytes;
    } catch (error) {
      result.refused.push({ name: relativePath, reason: errorText(error) });
      // The host lost the upload (restarted): the files after this one cannot join it.
      if (error instanceof IpcError && error.code === 'not_found') {
        for (const rest of files.slice(index + 1))
          result.refused.push({ name: rest.relativePath, reason: 'not sent: the upload was interrupted' });
        break;
      }
    }
  }
  onProgress({ done: files.length, total: files.length, name: '' });
  result.folder = folder;
  return result;
}
