/**
 * Embeddings trained elsewhere, to explore here: Spark MLlib ALS factors (`model.userFactors` /
 * `model.itemFactors` written as JSON or Parquet: rows of `id` and a `features` array) and
 * TensorBoard projector files (`vectors.tsv` + optional `metadata.tsv`, as this app exports
 * them). They become a data set without interactions and a snapshot whose scores are dot
 * products, so the map, neighbours and recommendations work as for a model trained here.
 */
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer } from 'hyparquet';
import { DataError } from './errors';
import { emptyFeatureTable, type Dataset, type EmbeddingSnapshot } from './types';

/** One side's vectors: `ids[k]`'s vector is `vectors[k * dim .. (k + 1) * dim)`. */
export interface FactorTable {
  ids: string[];
  dim: number;
  vectors: Float32Array;
}

/** Rows of `{ id, features }` (Spark's factor schema) as a table; every vector must agree in size. */
export function factorsFromRows(
  name: string,
  rows: { id: unknown; features: unknown }[],
): FactorTable {
  if (!rows.length) throw new DataError(name, 'no factor rows (expected rows of id and features)');
  const ids: string[] = [];
  let dim = -1;
  let vectors = new Float32Array(0);
  rows.forEach((row, k) => {
    // A list column arrives as an array; some writers store the list as JSON text instead.
    const f =
      typeof row.features === 'string' && row.features.trimStart().startsWith('[')
        ? (JSON.parse(row.features) as unknown)
        : row.features;
    if (row.id === undefined || row.id === null || (!Array.isArray(f) && !ArrayBuffer.isView(f)))
      throw new DataError(name, `row ${k + 1} has no "id" and "features" array`);
    const values = Array.from(f as ArrayLike<unknown>, Number);
    if (dim < 0) {
      dim = values.length;
      vectors = new Float32Array(rows.length * dim);
    }
    if (values.length !== dim || !values.every(Number.isFinite))
      throw new DataError(
        name,
        `row ${k + 1} (id ${String(row.id)}) has ${values.length} features, not ${dim} finite numbers`,
      );
    vectors.set(values, k * dim);
    ids.push(String(row.id));
  });
  return { ids, dim, vectors };
}

/** Spark's `df.write.json`: one `{"id": 1, "features": [...]}` per line. */
export function parseFactorJsonLines(name: string, text: string): FactorTable {
  const rows: { id: unknown; features: unknown }[] = [];
  text.split('\n').forEach((line, k) => {
    const t = line.trim();
    if (!t) return;
    try {
      rows.push(JSON.parse(t) as { id: unknown; features: unknown });
    } catch {
      throw new DataError(name, `line ${k + 1} is not JSON`);
    }
  });
  return factorsFromRows(name, rows);
}

/** Spark's `df.write.parquet`: columns `id` and `features` (a list of floats). */
export async function readFactorParquet(name: string, file: AsyncBuffer): Promise<FactorTable> {
  const metadata = await parquetMetadataAsync(file);
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  if (!columns.includes('id') || !columns.includes('features'))
    throw new DataError(name, `expected columns "id" and "features", found ${columns.join(', ')}`);
  // Spark writes a part file with the schema and no rows for an empty partition.
  if (Number(metadata.num_rows) === 0) return { ids: [], dim: 0, vectors: new Float32Array(0) };
  const rows = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
    parquetRead({
      file,
      metadata,
      columns: ['id', 'features'],
      rowFormat: 'object',
      onComplete: resolve,
    }).catch(reject);
  });
  return factorsFromRows(
    name,
    rows.map((r) => ({ id: r.id, features: r.features })),
  );
}

/** Concatenates tables of one side (Spark writes several part files, some of them empty). */
export function concatFactors(name: string, all: FactorTable[]): FactorTable {
  const parts = all.filter((p) => p.ids.length > 0);
  if (!parts.length) throw new DataError(name, 'no factor rows in its part files');
  const dim = parts[0].dim;
  if (parts.some((p) => p.dim !== dim))
    throw new DataError(name, `the part files disagree on the number of features`);
  const vectors = new Float32Array(parts.reduce((n, p) => n + p.vectors.length, 0));
  let at = 0;
  for (const p of parts) {
    vectors.set(p.vectors, at);
    at += p.vectors.length;
  }
  return { ids: parts.flatMap((p) => p.ids), dim, vectors };
}

/**
 * TensorBoard projector files: `vectors.tsv` (tab-separated floats per row, no header) and an
 * optional `metadata.tsv` (a header when it has several columns). A `type` column of user /
 * item / feature sorts rows into users and items (features are left out: they have no side
 * here); without one, every row is an item. Labels come from a `label` column, else the first.
 */
export function parseProjectorTsv(
  vectorsText: string,
  metadataText: string | null,
): { users: FactorTable; items: FactorTable; itemLabels: string[] } {
  const lines = vectorsText.split('\n').filter((l) => l.trim());
  const rows = lines.map((l) => l.split('\t').map(Number));
  const dim = rows[0]?.length ?? 0;
  rows.forEach((r, k) => {
    if (r.length !== dim || !r.every(Number.isFinite))
      throw new DataError(
        'vectors.tsv',
        `line ${k + 1} has ${r.length} values, not ${dim} numbers`,
      );
  });
  let meta = (metadataText ?? '')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t'));
  let header: string[] = ['label'];
  if (meta.length === rows.length + 1 || (meta[0]?.length ?? 0) > 1) [header, ...meta] = meta;
  if (metadataText !== null && meta.length !== rows.length)
    throw new DataError('metadata.tsv', `${meta.length} rows for ${rows.length} vectors`);
  const col = (name: string) => header.findIndex((h) => h.trim().toLowerCase() === name);
  const [typeCol, labelCol, idCol] = [col('type'), col('label'), col('id')];
  const side = (k: number) => (typeCol >= 0 ? meta[k][typeCol]?.trim() : 'item');
  const table = (want: string) => {
    const picked = rows.flatMap((_, k) => (side(k) === want ? [k] : []));
    const vectors = new Float32Array(picked.length * dim);
    picked.forEach((k, j) => vectors.set(rows[k], j * dim));
    const ids = picked.map((k) => (meta[k] ? meta[k][idCol >= 0 ? idCol : 0] : String(k)));
    return { table: { ids, dim, vectors }, picked };
  };
  const users = table('user');
  const items = table('item');
  const itemLabels = items.picked.map((k) =>
    meta[k] ? meta[k][labelCol >= 0 ? labelCol : 0] : String(k),
  );
  return { users: users.table, items: items.table, itemLabels };
}

/** A data set without interactions, and the snapshot of the imported vectors (no biases). */
export function factorDataset(
  name: string,
  users: FactorTable,
  items: FactorTable,
  itemLabels?: string[],
): { dataset: Dataset; snapshot: EmbeddingSnapshot } {
  if (users.dim !== items.dim)
    throw new DataError(name, `users have ${users.dim} features and items ${items.dim}`);
  if (!items.ids.length) throw new DataError(name, 'no item vectors');
  const dataset: Dataset = {
    name,
    kind: 'implicit',
    user: new Int32Array(0),
    item: new Int32Array(0),
    rating: new Float32Array(0),
    timestamp: null,
    userIds: users.ids,
    itemIds: items.ids,
    itemLabels: itemLabels ?? items.ids.slice(),
    itemFeatures: emptyFeatureTable(items.ids.length),
    userFeatures: emptyFeatureTable(users.ids.length),
    ratingMin: 0,
    ratingMax: 0,
    skippedRows: 0,
    issues: [],
  };
  const snapshot: EmbeddingSnapshot = {
    epoch: 0,
    dim: items.dim,
    userFactors: users.vectors,
    itemFactors: items.vectors,
    userBias: new Float32Array(users.ids.length),
    itemBias: new Float32Array(items.ids.length),
    globalBias: 0,
  };
  return { dataset, snapshot };
}
