/** What the explorer shows for a selected point: neighbours (cosine) and, for users, top-10. */
import type { Dataset, EmbeddingSnapshot } from '../core/data/types';
import { nearest } from '../core/projection/neighbours';
import { recommendForUser, seenItems } from '../core/models/recommend';
import type { PointKind, SelectionDetail } from './lab-state';
import { idOf, labelOf } from './points';

const K = 10;

function countOf(column: Int32Array, index: number): number {
  let c = 0;
  for (let k = 0; k < column.length; k++) if (column[k] === index) c++;
  return c;
}

export function describeSelection(
  d: Dataset,
  s: EmbeddingSnapshot | null,
  kind: PointKind,
  index: number,
): SelectionDetail {
  const detail: SelectionDetail = {
    kind,
    index,
    id: idOf(d, kind, index),
    label: labelOf(d, kind, index),
    interactions: countOf(kind === 'item' ? d.item : d.user, index),
    bias: s ? (kind === 'item' ? s.itemBias[index] : s.userBias[index]) : 0,
    neighbors: [],
  };
  if (!s) return detail;
  // Neighbours among points of the same kind: users and items only meet through the dot product.
  const table = kind === 'item' ? s.itemFactors : s.userFactors;
  const n = table.length / s.dim;
  const query = table.slice(index * s.dim, (index + 1) * s.dim);
  const near = nearest(table, n, s.dim, query, K, 'cosine', (i) => i === index);
  detail.neighbors = Array.from(near.index, (i, r) => ({
    kind,
    index: i,
    id: idOf(d, kind, i),
    label: labelOf(d, kind, i),
    score: near.score[r],
  }));
  if (kind === 'user') {
    const seen = seenItems(d.user, d.item, index, d.itemIds.length);
    detail.recommendations = recommendForUser(s, index, seen, K).map((r) => ({
      index: r.index,
      id: d.itemIds[r.index],
      label: d.itemLabels[r.index],
      score: r.score,
    }));
  }
  return detail;
}
