/**
 * The embeddings as TensorBoard's Embedding Projector reads them, one bundle for both of its
 * loaders: `projector_config.pbtxt` is what TensorBoard's projector plugin looks for in a log
 * directory (a text protobuf, paths relative to that directory); `projector_config.json` is
 * what the standalone projector opens (`?config=<url>`), and it resolves relative paths against
 * its own page, so a hosted bundle needs absolute paths: `baseUrl`, the address the folder is
 * served from, is put in front of them. `vectors.tsv` has one row of tab-separated values per
 * point, no header; `metadata.tsv` a header, then type (user / item / feature), id, label,
 * interactions and features per point.
 */
import type { Dataset, EmbeddingSnapshot } from '../core/data/types';
import { featuresOf } from './export';
import {
  entityOf,
  idOf,
  labelOf,
  pointCount,
  popularity,
  projectionInput,
  type PointSpace,
} from './points';

export interface ExportFile {
  name: string;
  text: string;
  /** Media type, for a browser download. */
  type: string;
}

/**
 * A float32 as the shortest text of at most 9 significant digits: 9 digits tell every float32
 * apart (IEEE 754's bound for binary32), so parsing and rounding to float32 gives back the same
 * bits; 7 (the old export) changed most values. Trailing zeros add nothing and are dropped.
 */
export function float32Text(v: number): string {
  // toPrecision drops the sign of -0, a distinct float32 (trained weights do hold it).
  if (Object.is(v, -0)) return '-0';
  const t = v.toPrecision(9);
  if (t.includes('e')) return t.replace(/\.?0+e/, 'e');
  return t.includes('.') ? t.replace(/\.?0+$/, '') : t;
}

/** A TSV cell: tabs and line breaks would split rows and columns, so they become spaces. */
function tsvField(v: string | number): string {
  return String(v).replace(/[\t\r\n]+/g, ' ');
}

/** A protobuf text-format string literal (its escapes; UTF-8 stays as it is). */
function pbString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/**
 * The four files of the bundle. A 1-dimensional embedding gets a zero second column: the
 * projector refuses one dimension, and a constant column leaves distances, cosine similarities
 * and neighbours as they were, so the map shows the one axis there is.
 */
export function projectorFiles(
  d: Dataset,
  s: EmbeddingSnapshot,
  space: PointSpace,
  name: string,
  /** Where the folder will be served from, for the standalone projector's JSON ('' = relative). */
  baseUrl = '',
): ExportFile[] {
  const rows = projectionInput(s, space);
  const n = pointCount(space);
  const counts = popularity(d, space);
  const pad = s.dim === 1;
  const vectors: string[] = [];
  const metadata = ['type\tid\tlabel\tinteractions\tfeatures'];
  for (let p = 0; p < n; p++) {
    const values = Array.from(rows.subarray(p * s.dim, (p + 1) * s.dim), float32Text);
    vectors.push((pad ? [...values, '0'] : values).join('\t'));
    const { kind, index } = entityOf(space, p);
    metadata.push(
      [kind, idOf(d, kind, index), labelOf(d, kind, index), counts[p], featuresOf(d, kind, index)]
        .map(tsvField)
        .join('\t'),
    );
  }
  const base = baseUrl && !baseUrl.endsWith('/') ? baseUrl + '/' : baseUrl;
  const json = {
    embeddings: [
      {
        tensorName: name,
        tensorShape: [n, pad ? 2 : s.dim],
        tensorPath: `${base}vectors.tsv`,
        metadataPath: `${base}metadata.tsv`,
      },
    ],
  };
  const pbtxt = [
    '# TensorBoard projector plugin: keep this file beside vectors.tsv and metadata.tsv in the',
    '# log directory (tensorboard --logdir <dir>); the paths are relative to that directory.',
    ...(pad ? ['# The embedding has 1 dimension; vectors.tsv adds a zero second column.'] : []),
    'embeddings {',
    `  tensor_name: ${pbString(name)}`,
    '  tensor_path: "vectors.tsv"',
    '  metadata_path: "metadata.tsv"',
    '}',
  ];
  const tsv = 'text/tab-separated-values';
  return [
    { name: 'vectors.tsv', text: vectors.join('\n') + '\n', type: tsv },
    { name: 'metadata.tsv', text: metadata.join('\n') + '\n', type: tsv },
    { name: 'projector_config.pbtxt', text: pbtxt.join('\n') + '\n', type: 'text/plain' },
    {
      name: 'projector_config.json',
      text: JSON.stringify(json, null, 2) + '\n',
      type: 'application/json',
    },
  ];
}
