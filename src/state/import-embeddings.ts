/**
 * Files of embeddings trained elsewhere, to a data set and snapshot the explorer shows (see
 * core/data/factors.ts and core/data/factor-folder.ts): TensorBoard projector TSVs, or Spark
 * ALS factors (an `ALSModel.save` folder, a pair of factor folders, or part files whose names
 * say user or item). Each file comes with its path relative to the chosen or dropped folder,
 * since a dropped folder's Files carry no `webkitRelativePath`.
 */
import { factorDataset, parseProjectorTsv, type FactorTable } from '../core/data/factors';
import { readFactorFolder, type FolderEntry } from '../core/data/factor-folder';
import { blobBuffer } from '../core/data/parquet';
import type { Dataset, EmbeddingSnapshot } from '../core/data/types';
import { readTextFile } from './data-actions';

/** A chosen file and its '/'-separated path in the chosen folder (its name when chosen alone). */
export interface PathedFile {
  file: File;
  path: string;
}

/** Files from a plain or folder picker: the folder picker's relative path, else the name. */
export const pathedFiles = (files: File[]): PathedFile[] =>
  files.map((file) => ({ file, path: file.webkitRelativePath || file.name }));

/** The file's own name, lower case: a folder's name never decides what a file is. */
const nameOf = (f: PathedFile) => (f.path.split('/').pop() ?? f.path).toLowerCase();

export async function readEmbeddingFiles(
  files: PathedFile[],
): Promise<{ dataset: Dataset; snapshot: EmbeddingSnapshot; note: string }> {
  const tsv = files.filter((f) => nameOf(f).endsWith('.tsv') && !nameOf(f).startsWith('.'));
  if (tsv.length) {
    const vectorFiles = tsv.filter((f) => !nameOf(f).includes('metadata'));
    // A log folder may hold other TSVs; the name this app (and TensorBoard's docs) use wins.
    const vectors = vectorFiles.find((f) => nameOf(f) === 'vectors.tsv') ?? vectorFiles[0];
    if (!vectors) throw new Error('TensorBoard projector: choose vectors.tsv (and metadata.tsv)');
    const metadata = tsv.find((f) => nameOf(f).includes('metadata'));
    const { users, items, itemLabels } = parseProjectorTsv(
      await readTextFile(vectors.file),
      metadata ? await readTextFile(metadata.file) : null,
    );
    const { dataset, snapshot } = factorDataset(vectors.file.name, users, items, itemLabels);
    return { dataset, snapshot, note: describe('TensorBoard projector files', users, items) };
  }
  const entries: FolderEntry[] = files.map(({ file, path }) => ({
    path,
    size: file.size,
    text: () => readTextFile(file),
    buffer: () => blobBuffer(file),
  }));
  const read = await readFactorFolder(entries);
  const { dataset, snapshot } = factorDataset(read.name, read.users, read.items);
  return { dataset, snapshot, note: read.note };
}

function describe(what: string, users: FactorTable, items: FactorTable): string {
  return (
    `${what}: ${users.ids.length.toLocaleString('en-US')} users and ` +
    `${items.ids.length.toLocaleString('en-US')} items of dimension ${items.dim} (no interactions: ` +
    'recommendations are dot products; train here to add metrics)'
  );
}
