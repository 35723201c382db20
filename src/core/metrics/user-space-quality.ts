/**
 * How good the map's user neighbourhoods are: over users with enough interactions, the share of
 * each user's k nearest users in the model that user-user co-occurrence (UserKNN: cosine on the
 * items they interacted with) also lists, and the share of listed neighbours with little evidence.
 * Users rarely carry a categorical column, so there is no agreement measure here; the item one
 * (space-quality.ts) covers metadata.
 *
 * UserKNN is ItemKNN with the incidence's roles swapped, so the sparse co-occurrence code is
 * shared: `transposeIncidence` costs nothing but a new object over the same arrays.
 */
import { nearest, type Metric } from '../projection/neighbours';
import { coOccurrenceTable, type Incidence } from './item-knn';
import { EVAL_SUPPORT, LOW_SUPPORT, measuredItems } from './space-quality';

/** The incidence with users and items swapped: "items" are the users, "users" the items. */
export function transposeIncidence(inc: Incidence): Incidence {
  return {
    nUsers: inc.nItems,
    nItems: inc.nUsers,
    itemOffsets: inc.userOffsets,
    itemUsers: inc.userItems,
    userOffsets: inc.itemOffsets,
    userItems: inc.itemUsers,
    itemSupport: inc.userSupport,
    userSupport: inc.itemSupport,
  };
}

/**
 * Users measured at most: 200 keeps a 20k-user map's measurement near 0.4 s of CPU here (a
 * nearest-users scan each), so items and users of a 10k-item map stay within 2 s per epoch
 * (bench/space/scale).
 */
export const MAX_USERS = 200;

export interface UserSpaceQuality {
  /** Mean share of a user's k neighbours in the model that UserKNN also lists (0..1). */
  coOccurrenceOverlap: number;
  /** Share of all listed neighbours with fewer than `lowSupport` interactions (0..1). */
  lowSupportShare: number;
  /** Users the means are over (0 leaves them NaN). */
  users: number;
}

export interface UserSpaceQualityInput {
  /** User vectors, nUsers x dim row-major (the embeddings the map shows). */
  vectors: Float32Array;
  dim: number;
  inc: Incidence;
  metric: Metric;
  k: number;
  minSupport: number;
  /** Users with at least this many interactions are measured (default 50, as for items). */
  evalSupport?: number;
  lowSupport?: number;
  /** At most this many users are measured (an even spread by index). Default MAX_USERS. */
  maxUsers?: number;
  shrinkLambda?: number;
  /** The measured users and their UserKNN lists (users.length x k, -1 padded), when cached. */
  reference?: { users: Int32Array; lists: Int32Array };
}

/** The users measured and their UserKNN lists: computed once per data set and settings. */
export function userReference(
  inc: Incidence,
  k: number,
  minSupport: number,
  evalSupport = EVAL_SUPPORT,
  maxUsers = MAX_USERS,
): { users: Int32Array; lists: Int32Array } {
  const users = measuredItems(inc.userSupport, evalSupport, maxUsers);
  return { users, lists: coOccurrenceTable(transposeIncidence(inc), users, k, minSupport) };
}

export function userSpaceQuality(input: UserSpaceQualityInput): UserSpaceQuality {
  const { vectors, dim, inc, metric, k, minSupport } = input;
  const n = inc.nUsers;
  if (vectors.length < n * dim)
    throw new RangeError(`userSpaceQuality: vectors are not ${n}x${dim}`);
  const lowSupport = input.lowSupport ?? LOW_SUPPORT;
  const support = inc.userSupport;
  const { users, lists } =
    input.reference ??
    userReference(
      inc,
      k,
      minSupport,
      input.evalSupport ?? EVAL_SUPPORT,
      input.maxUsers ?? MAX_USERS,
    );
  let overlapSum = 0;
  let listed = 0;
  let low = 0;
  for (let r = 0; r < users.length; r++) {
    const u = users[r];
    const near = nearest(
      vectors,
      n,
      dim,
      vectors.subarray(u * dim, (u + 1) * dim),
      k,
      metric,
      (v) => v === u || support[v] < minSupport,
      support,
      input.shrinkLambda,
    );
    let overlap = 0;
    for (let t = 0; t < near.index.length; t++) {
      const v = near.index[t];
      if (support[v] < lowSupport) low++;
      for (let q = r * k; q < (r + 1) * k; q++) if (lists[q] === v) overlap++;
    }
    listed += near.index.length;
    overlapSum += overlap / k;
  }
  return {
    coOccurrenceOverlap: users.length ? overlapSum / users.length : NaN,
    lowSupportShare: listed ? low / listed : NaN,
    users: users.length,
  };
}
