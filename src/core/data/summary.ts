import type { Dataset } from './types';

export interface DatasetSummary {
  rows: number;
  users: number;
  items: number;
  ratingMin: number;
  ratingMax: number;
  /** Fraction of the users x items matrix with no interaction, 0..1. */
  sparsity: number;
  /** Mean of the per-row ratings (weights for implicit data). */
  meanRating: number;
  /** Number of distinct item / user feature names (0 without metadata). */
  itemFeatures: number;
  userFeatures: number;
}

/** Headline numbers for a dataset, for the import panel. */
export function summarize(d: Dataset): DatasetSummary {
  const rows = d.user.length;
  const users = d.userIds.length;
  const items = d.itemIds.length;
  let sum = 0; // a float64 accumulator: summing 100k float32 ratings in float32 drifts
  for (let r = 0; r < rows; r++) sum += d.rating[r];
  const cells = users * items;
  return {
    rows,
    users,
    items,
    ratingMin: d.ratingMin,
    ratingMax: d.ratingMax,
    // Repeated (user, item) rows could push this below 0.
    sparsity: cells > 0 ? Math.max(0, 1 - rows / cells) : 1,
    meanRating: rows > 0 ? sum / rows : 0,
    itemFeatures: d.itemFeatures.names.length,
    userFeatures: d.userFeatures.names.length,
  };
}
