/**
 * Files of embeddings trained elsewhere, to a data set and snapshot the explorer shows (see
 * core/data/factors.ts): TensorBoard projector TSVs, or Spark ALS factor files. Spark writes a
 * folder per side (`userFactors/`, `itemFactors/`) of part files; the side comes from the file's
 * name or folder, so a person can select both folders' files at once.
 */
import {
  concatFactors,
  factorDataset,
  parseFactorJsonLines,
  parseProjectorTsv,
  readFactorParquet,
  type FactorTable,
} from '../core/data/factors';
import { blobBuffer, isParquet } from '../core/data/parquet';
import type { Dataset, EmbeddingSnapshot } from '../core/data/types';
import { readTextFile } from './data-actions';

const pathOf = (f: File) => (f.webkitRelativePath || f.name).toLowerCase();

export async function readEmbeddingFiles(
  files: File[],
): Promise<{ dataset: Dataset; snapshot: EmbeddingSnapshot; note: string }> {
  const tsv = files.filter((f) => pathOf(f).endsWith('.tsv'));
  if (tsv.length) {
    const vectors = tsv.find((f) => !pathOf(f).includes('metadata'));
    if (!vectors) throw new Error('TensorBoard projector: choose vectors.tsv (and metadata.tsv)');
    const metadata = tsv.find((f) => pathOf(f).includes('metadata'));
    const { users, items, itemLabels } = parseProjectorTsv(
      await readTextFile(vectors),
      metadata ? await readTextFile(metadata) : null,
    );
    const { dataset, snapshot } = factorDataset(vectors.name, users, items, itemLabels);
    return { dataset, snapshot, note: describe('TensorBoard projector files', users, items) };
  }
  // Spark: every data file whose path says user or item (Spark's _SUCCESS and .crc files skipped).
  const data = files.filter((f) => !/(^|\/)[._]/.test(pathOf(f)) && f.size > 0);
  const side = (want: 'user' | 'item') => data.filter((f) => pathOf(f).includes(want));
  const read = async (f: File): Promise<FactorTable> =>
    isParquet(new Uint8Array(await f.slice(0, 4).arrayBuffer()))
      ? readFactorParquet(f.name, blobBuffer(f))
      : parseFactorJsonLines(f.name, await readTextFile(f));
  const [userFiles, itemFiles] = [side('user'), side('item')];
  if (!itemFiles.length || !userFiles.length)
    throw new Error(
      'Spark ALS factors: choose the files of both userFactors and itemFactors (their names or ' +
        'folders must say "user" and "item"), or vectors.tsv for TensorBoard files',
    );
  const users = concatFactors('userFactors', await Promise.all(userFiles.map(read)));
  const items = concatFactors('itemFactors', await Promise.all(itemFiles.map(read)));
  const { dataset, snapshot } = factorDataset('Spark ALS factors', users, items);
  return { dataset, snapshot, note: describe('Spark ALS factors', users, items) };
}

function describe(what: string, users: FactorTable, items: FactorTable): string {
  return (
    `${what}: ${users.ids.length.toLocaleString('en-US')} users and ` +
    `${items.ids.length.toLocaleString('en-US')} items of dimension ${items.dim} (no interactions: ` +
    'recommendations are dot products; train here to add metrics)'
  );
}
