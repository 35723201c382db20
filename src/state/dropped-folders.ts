/**
 * Folders dropped on the page, as files with their paths. `DataTransfer.files` lists a dropped
 * folder as one empty entry, so the folder is walked through `webkitGetAsEntry()`'s entries
 * (the File and Directory Entries API, in every current browser). The interfaces are the part
 * of that API used here, so the walk runs on stand-ins in unit tests.
 */
import type { PathedFile } from './import-embeddings';

export interface DroppedEntry {
  readonly isDirectory: boolean;
  readonly name: string;
}
export interface DroppedFileEntry extends DroppedEntry {
  file(ok: (file: File) => void, fail?: (e: DOMException) => void): void;
}
export interface DroppedDirectoryEntry extends DroppedEntry {
  createReader(): {
    readEntries(ok: (entries: DroppedEntry[]) => void, fail?: (e: DOMException) => void): void;
  };
}

const isDirectory = (e: DroppedEntry): e is DroppedDirectoryEntry => e.isDirectory;

/** A directory's children: `readEntries` hands them over in batches until an empty one. */
async function children(dir: DroppedDirectoryEntry): Promise<DroppedEntry[]> {
  const reader = dir.createReader();
  const all: DroppedEntry[] = [];
  for (;;) {
    const batch = await new Promise<DroppedEntry[]>((ok, fail) => reader.readEntries(ok, fail));
    if (!batch.length) return all;
    all.push(...batch);
  }
}

/** Every file under the dropped entries, paths starting at each dropped entry's name. */
export async function droppedFiles(entries: DroppedEntry[], prefix = ''): Promise<PathedFile[]> {
  const out: PathedFile[] = [];
  for (const e of entries) {
    const path = prefix + e.name;
    if (isDirectory(e)) out.push(...(await droppedFiles(await children(e), path + '/')));
    else {
      const file = await new Promise<File>((ok, fail) => (e as DroppedFileEntry).file(ok, fail));
      out.push({ file, path });
    }
  }
  return out;
}

/**
 * The drop's entries when it holds a folder, else null (loose files keep their own handling).
 * Entries must be taken during the drop event: the DataTransfer is emptied after it.
 */
export function droppedFolderEntries(items: DataTransferItemList): DroppedEntry[] | null {
  const entries = Array.from(items, (i) => (i.kind === 'file' ? i.webkitGetAsEntry() : null));
  const present = entries.filter((e): e is FileSystemEntry => e !== null);
  return present.some((e) => e.isDirectory) ? present : null;
}
