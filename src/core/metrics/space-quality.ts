/**
 * How good a map's neighbourhoods are, for people who read them: over items with enough evidence,
 * the share of each item's k nearest neighbours (as the page lists them: its metric and minimum
 * support) that share a metadata value with it, that ItemKNN also lists, and that have little
 * evidence themselves. Random vectors on the MovieLens sample score about 0.47 / 0.00 / 0.63.
 */
import { nearest, type Metric } from '../projection/neighbours';
import { coOccurrenceTable, type Incidence } from './item-knn';

/** What `training.space` reports (CONTRACT.md section 4). */
export interface SpaceQuality {
  /** Mean share of an item's k neighbours that share a value of the metadata column (0..1). */
  genreAgreement: number;
  /** Mean share of an item's k neighbours that ItemKNN also lists in its top k (0..1). */
  coOccurrenceOverlap: number;
  /** Share of all listed neighbours with fewer than `lowSupport` interactions (0..1). */
  lowSupportShare: number;
  k: number;
  /** The page's minimum support: points with fewer interactions are not listed as neighbours. */
  minSupport: number;
  /**
   * The user neighbourhoods (user-space-quality.ts): overlap of each user's k nearest users with
   * UserKNN's, and the low-support share. Null or absent: the model has no user vectors, or no
   * user has enough interactions to be measured.
   */
  users?: { coOccurrenceOverlap: number; lowSupportShare: number } | null;
}

/** The map's quality after one epoch of a run (the training-curves dock's line). */
export interface SpaceEpoch {
  epoch: number;
  genreAgreement: number;
  coOccurrenceOverlap: number;
  lowSupportShare: number;
  /** The user neighbourhoods' overlap with UserKNN (null: not measured). */
  userCoOccurrenceOverlap: number | null;
}

export interface SpaceQualityDetail extends SpaceQuality {
  metric: Metric;
  /** Items the means are over (support >= evalSupport); 0 leaves the means NaN. */
  items: number;
  /** Of them, items with metadata (genre agreement is over these only). */
  itemsWithMetadata: number;
  /** The "low support" line (interactions); CONTRACT's lowSupportShare counts below it. */
  lowSupport: number;
  evalSupport: number;
}

export interface SpaceQualityInput {
  /** Item vectors, nItems x dim row-major (the embeddings the map shows). */
  vectors: Float32Array;
  dim: number;
  inc: Incidence;
  /**
   * Item categories for agreement, CSR over items (offsets length nItems + 1, values category
   * ids): see `agreementCategories`. Items with none are left out of genre agreement.
   */
  categories: { offsets: Int32Array; values: Int32Array } | null;
  metric: Metric;
  k: number;
  minSupport: number;
  /** Items with at least this many interactions are measured (the issue uses 50). */
  evalSupport?: number;
  /** Neighbours with fewer interactions count as low support (the issue uses 5). */
  lowSupport?: number;
  /** Measure these items instead (e.g. the 30 most rated). */
  items?: Int32Array;
  /**
   * At most this many items are measured (an even spread by index of those qualifying), so 10k
   * items cost at most maxItems x nItems x dim multiply-adds. Default 1000.
   */
  maxItems?: number;
  /** Shrunk cosine's λ (default SHRINK_LAMBDA). */
  shrinkLambda?: number;
  /** ItemKNN lists of `items` (items.length x k, -1 padded), when the caller has them cached. */
  reference?: Int32Array;
}

export const EVAL_SUPPORT = 50;
export const LOW_SUPPORT = 5;

/** The items measured: `items`, else those with support >= evalSupport, thinned to maxItems. */
export function measuredItems(
  support: Int32Array,
  evalSupport = EVAL_SUPPORT,
  maxItems = 500,
): Int32Array {
  const all: number[] = [];
  for (let i = 0; i < support.length; i++) if (support[i] >= evalSupport) all.push(i);
  if (all.length <= maxItems) return Int32Array.from(all);
  const out = new Int32Array(maxItems);
  for (let r = 0; r < maxItems; r++) out[r] = all[Math.floor((r * all.length) / maxItems)];
  return out;
}

/** The `count` items with the most interactions (ties to the lower index), most first. */
export function mostSupported(support: Int32Array, count: number): Int32Array {
  const order = Array.from(support.keys()).sort((a, b) => support[b] - support[a] || a - b);
  return Int32Array.from(order.slice(0, count));
}

/**
 * The item features to agree on, as CSR over items: one categorical column of the metadata.
 * Feature names follow the data set's convention (metadata.ts): bare values are the one
 * multi-valued column (MovieLens genres), "column=value" other columns, "tag: ..." a tags file.
 * Genres (bare values) are preferred, then the first named column, then tags: tags are many and
 * sparse, so agreeing on any tag says less than agreeing on a genre.
 */
export function agreementCategories(table: {
  names: string[];
  offsets: Int32Array;
  values: Int32Array;
}): { offsets: Int32Array; values: Int32Array; column: string } | null {
  const columnOf = (name: string) => {
    const eq = name.indexOf('=');
    if (eq > 0) return name.slice(0, eq);
    return name.startsWith('tag: ') ? 'tags' : '';
  };
  const columns = table.names.map(columnOf);
  if (!columns.length) return null;
  const chosen = columns.includes('')
    ? ''
    : (columns.find((c) => c !== 'tags') ?? (columns.includes('tags') ? 'tags' : null));
  if (chosen === null) return null;
  const n = table.offsets.length - 1;
  const offsets = new Int32Array(n + 1);
  const values: number[] = [];
  for (let e = 0; e < n; e++) {
    for (let p = table.offsets[e]; p < table.offsets[e + 1]; p++)
      if (columns[table.values[p]] === chosen) values.push(table.values[p]);
    offsets[e + 1] = values.length;
  }
  return { offsets, values: Int32Array.from(values), column: chosen || 'genre' };
}

/** Whether items a and b share a category (both lists ascending or short: a nested scan). */
function share(c: { offsets: Int32Array; values: Int32Array }, a: number, b: number): boolean {
  for (let p = c.offsets[a]; p < c.offsets[a + 1]; p++)
    for (let q = c.offsets[b]; q < c.offsets[b + 1]; q++)
      if (c.values[p] === c.values[q]) return true;
  return false;
}

/**
 * Measures the map's item neighbourhoods (see the module comment). Neighbours are found exactly
 * (`nearest`), among items with support >= minSupport, under `metric`; ItemKNN's lists under the
 * same minimum support. Cost: items x nItems x dim for the model's lists plus the ItemKNN lists'
 * sparse work; 500 items of 10k from 1M rows take about 1 s here (bench/space/scale).
 */
export function spaceQuality(input: SpaceQualityInput): SpaceQualityDetail {
  const { vectors, dim, inc, categories, metric, k, minSupport } = input;
  const evalSupport = input.evalSupport ?? EVAL_SUPPORT;
  const lowSupport = input.lowSupport ?? LOW_SUPPORT;
  const n = inc.nItems;
  if (vectors.length < n * dim) throw new RangeError(`spaceQuality: vectors are not ${n}x${dim}`);
  const support = inc.itemSupport;
  const items = input.items ?? measuredItems(support, evalSupport, input.maxItems ?? 500);
  const reference = input.reference ?? coOccurrenceTable(inc, items, k, minSupport);
  let agreeSum = 0;
  let withMeta = 0;
  let overlapSum = 0;
  let listed = 0;
  let low = 0;
  for (let r = 0; r < items.length; r++) {
    const i = items[r];
    const query = vectors.subarray(i * dim, (i + 1) * dim);
    const near = nearest(
      vectors,
      n,
      dim,
      query,
      k,
      metric,
      (j) => j === i || support[j] < minSupport,
      support,
      input.shrinkLambda,
    );
    const m = near.index.length;
    if (m === 0) continue;
    const hasMeta = categories !== null && categories.offsets[i + 1] > categories.offsets[i];
    let agree = 0;
    let overlap = 0;
    for (let t = 0; t < m; t++) {
      const j = near.index[t];
      if (hasMeta && share(categories, i, j)) agree++;
      if (support[j] < lowSupport) low++;
      for (let q = r * k; q < (r + 1) * k; q++) if (reference[q] === j) overlap++;
    }
    listed += m;
    if (hasMeta) {
      agreeSum += agree / m;
      withMeta++;
    }
    overlapSum += overlap / k;
  }
  return {
    genreAgreement: withMeta ? agreeSum / withMeta : NaN,
    coOccurrenceOverlap: items.length ? overlapSum / items.length : NaN,
    lowSupportShare: listed ? low / listed : NaN,
    k,
    minSupport,
    metric,
    items: items.length,
    itemsWithMetadata: withMeta,
    lowSupport,
    evalSupport,
  };
}
