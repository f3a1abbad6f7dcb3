/**
 * Files dropped on the Library: the browser's drop data read into picked files, folders walked
 * where the browser allows it (Chromium's entries API), else the dropped files alone.
 */
import { fromFileList, type PickedFile } from './dataset_upload_rules.ts';

/** The entries of a dropped folder, read in the batches the browser hands them out in. */
async function readFolder(folder: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = folder.createReader();
  const entries: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) return entries;
    entries.push(...batch);
  }
}

/** Every file under a dropped entry, with its path from the entry's own name. */
async function walk(entry: FileSystemEntry, prefix: string, into: PickedFile[]): Promise<void> {
  const relativePath = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    into.push({ file, relativePath });
  } else if (entry.isDirectory) {
    for (const child of await readFolder(entry as FileSystemDirectoryEntry))
      await walk(child, relativePath, into);
  }
}

/** Files dropped on the page: folders are walked where the browser allows it, else the files alone. */
export async function fromDataTransfer(data: DataTransfer): Promise<PickedFile[]> {
  const entries = [...data.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.() ?? null);
  if (entries.length === 0 || entries.some((entry) => entry === null)) return fromFileList(data.files);
  const picked: PickedFile[] = [];
  for (const entry of entries) if (entry) await walk(entry, '', picked);
  return picked;
}
