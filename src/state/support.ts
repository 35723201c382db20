/**
 * How much evidence backs each point (its interactions; for a feature, the entities carrying it),
 * and the data set's item x user incidence for the item-item reference. Both are computed once per
 * data set (O(rows)) and kept while the data set is: selections and redraws only read them.
 */
import type { Dataset } from '../core/data/types';
import { buildIncidence, interactionCounts, type Incidence } from '../core/metrics/item-knn';
import type { PointKind } from './lab-state';

export interface Support {
  item: Int32Array;
  user: Int32Array;
  /** Item features then user features, in the combined order of the map's feature points. */
  feature: Int32Array;
}

const supports = new WeakMap<Dataset, Support>();
const incidences = new WeakMap<Dataset, Incidence>();

export function supportOf(d: Dataset): Support {
  let s = supports.get(d);
  if (!s) {
    const ni = d.itemFeatures.names.length;
    const feature = new Int32Array(ni + d.userFeatures.names.length);
    for (const f of d.itemFeatures.values) feature[f]++;
    for (const f of d.userFeatures.values) feature[ni + f]++;
    s = {
      item: interactionCounts(d.item, d.itemIds.length),
      user: interactionCounts(d.user, d.userIds.length),
      feature,
    };
    supports.set(d, s);
  }
  return s;
}

export function supportOfKind(d: Dataset, kind: PointKind): Int32Array {
  return supportOf(d)[kind];
}

export function incidenceOf(d: Dataset): Incidence {
  let inc = incidences.get(d);
  if (!inc) {
    inc = buildIncidence(d.user, d.item, d.userIds.length, d.itemIds.length);
    incidences.set(d, inc);
  }
  return inc;
}
