/**
 * Small fixtures for the controllers' unit tests (Node): a store, a 3-user x 4-item data set
 * with genres, and a 2-dimensional snapshot of it. Imported by tests only.
 */
import { createStore, type Store } from './store';
import { initialState, type LabState } from './lab-state';
import type { Dataset, EmbeddingSnapshot } from '../core/data/types';

export function labStore(patch: Partial<LabState> = {}): Store<LabState> {
  return createStore({ ...initialState(), ...patch });
}

/** User 0 rated items 0 and 1, user 1 items 1 and 2, user 2 item 3. */
export function tinyDataset(): Dataset {
  return {
    name: 'tiny',
    kind: 'explicit',
    user: Int32Array.from([0, 0, 1, 1, 2]),
    item: Int32Array.from([0, 1, 1, 2, 3]),
    rating: Float32Array.from([5, 3, 4, 2, 5]),
    timestamp: null,
    userIds: ['u1', 'u2', 'u3'],
    itemIds: ['10', '20', '30', '40'],
    itemLabels: ['Alien', 'Aliens', 'Amélie', 'Heat'],
    itemFeatures: {
      names: ['Sci-Fi', 'Romance', 'Crime'],
      offsets: Int32Array.from([0, 1, 2, 3, 4]),
      values: Int32Array.from([0, 0, 1, 2]),
    },
    userFeatures: { names: [], offsets: new Int32Array(4), values: new Int32Array(0) },
    ratingMin: 1,
    ratingMax: 5,
    skippedRows: 0,
    issues: [],
  };
}

/** dim 2 (other dims: zero-padded or cut): items 0, 1 point along x, item 2 along y, item 3 along -x. */
export function tinySnapshot(epoch = 1, dim = 2): EmbeddingSnapshot {
  const items = [1, 0, 0.9, 0.1, 0, 1, -1, 0];
  const users = [0, 1, 1, 0, -1, 0.2];
  const take = (v: number[], n: number) =>
    Float32Array.from({ length: n * dim }, (_, i) =>
      i % dim < 2 ? v[Math.floor(i / dim) * 2 + (i % dim)] : 0,
    );
  return {
    epoch,
    dim,
    itemFactors: take(items, 4),
    userFactors: take(users, 3),
    itemBias: new Float32Array(4),
    userBias: new Float32Array(3),
    globalBias: 3,
  };
}
