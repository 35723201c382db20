import { describe, expect, it } from 'vitest';
import type { Dataset, EmbeddingSnapshot } from '../core/data/types';
import { createStore } from './store';
import { initialState, type LabState } from './lab-state';
import { PlaygroundController, type MarkerHandle } from './playground';
import { pointSpace } from './points';
import { computePlayground } from './playground-compute';

/** 3 users x 6 items in two genres: items 0-2 Sci-Fi along x, items 3-5 Romance along y. */
function dataset(kind: 'explicit' | 'implicit'): Dataset {
  return {
    name: 'tiny',
    kind,
    user: Int32Array.from([0, 0, 1, 2]),
    item: Int32Array.from([0, 1, 3, 4]),
    rating: Float32Array.from([5, 4, 5, 4]),
    timestamp: null,
    userIds: ['u1', 'u2', 'u3'],
    itemIds: ['10', '20', '30', '40', '50', '60'],
    itemLabels: ['Alien', 'Aliens', 'Dune', 'Amélie', 'Notting Hill', 'Heat'],
    itemFeatures: {
      names: ['Sci-Fi', 'Romance'],
      offsets: Int32Array.from([0, 1, 2, 3, 4, 5, 6]),
      values: Int32Array.from([0, 0, 0, 1, 1, 1]),
    },
    userFeatures: { names: [], offsets: new Int32Array(4), values: new Int32Array(0) },
    ratingMin: 0.5,
    ratingMax: 5,
    skippedRows: 0,
    issues: [],
  };
}

function snapshot(): EmbeddingSnapshot {
  return {
    epoch: 1,
    dim: 2,
    itemFactors: Float32Array.from([1, 0.1, 0.9, 0, 0.8, 0.2, 0.1, 1, 0, 0.9, 0.2, 0.8]),
    userFactors: Float32Array.from([1, 0, 0, 1, 0.1, 0.9]),
    itemBias: new Float32Array(6),
    userBias: new Float32Array(3),
    globalBias: 3.5,
    itemFeatureFactors: Float32Array.from([1, 0, 0, 1]),
    userFeatureFactors: new Float32Array(0),
  };
}

/** A lab state after a run, with a 2D layout: Sci-Fi items on the left, Romance on the right. */
function labState(kind: 'explicit' | 'implicit'): LabState {
  const s = initialState();
  const d = dataset(kind);
  const e = snapshot();
  const space = pointSpace(d, e);
  const n = space.items + space.users + space.features;
  const coords = new Float32Array(n * 2);
  const x = [-5, -5, -5, 5, 5, 5, -5, 5, 5];
  for (let i = 0; i < n; i++) coords[i * 2] = x[i] ?? 0;
  return {
    ...s,
    dataset: d,
    embeddings: e,
    training: {
      ...s.training,
      status: 'done',
      model: 'hybrid',
      feedback: kind,
      predictsRatings: kind === 'explicit',
    },
    projection: { ...s.projection, coords, space, coordsDims: 2, status: 'done' },
  };
}

class FakeMarker implements MarkerHandle {
  at: [number, number, number] | null = null;
  setMarker(p: [number, number, number] | null) {
    this.at = p;
  }
  markerScreenPosition() {
    return this.at && { x: this.at[0], y: this.at[1] };
  }
}

describe('PlaygroundController', () => {
  it('New user (implicit): likes fold the user in, move the point, never recommend a like', () => {
    const lab = createStore(labState('implicit'));
    const pg = new PlaygroundController(lab);
    const marker = new FakeMarker();
    pg.attachMarker(marker);
    pg.open('user');
    expect(pg.session).toMatchObject({ kind: 'user', rates: false, marks: [], error: null });
    expect(marker.at).toBe(null);
    pg.mark(0);
    const first = pg.session!.result!;
    expect(first.method).toBe('bpr');
    expect(first.recommendations.map((r) => r.index)).not.toContain(0);
    expect(first.recommendations.slice(0, 2).map((r) => r.id)).toEqual(
      expect.arrayContaining(['20', '30']),
    );
    expect(marker.at![0]).toBeLessThan(0); // among the Sci-Fi points
    expect(pg.screenPosition('user')).not.toBe(null);
    expect(pg.screenPosition('item')).toBe(null);
    pg.mark(3);
    pg.mark(4);
    expect(pg.session!.result!.recommendations.map((r) => r.index)).not.toContain(4);
    expect(marker.at![0]).toBeGreaterThan(first.position![0]); // moved toward Romance
    expect(pg.session!.ms).toBeGreaterThanOrEqual(0);
    pg.unmark(4);
    expect(pg.session!.marks.map((m) => m.index)).toEqual([0, 3]);
    // A new layout of the same model moves the point, not the lists.
    const lists = pg.session!.result!.recommendations;
    const coords = lab.get().projection.coords!.map((v) => v + 100);
    lab.set({ projection: { ...lab.get().projection, coords } });
    expect(pg.session!.result!.recommendations).toBe(lists);
    expect(marker.at![0]).toBeGreaterThan(90);
  });

  it('New user (explicit): needs a rating in range, and follows a new snapshot', () => {
    const lab = createStore(labState('explicit'));
    const pg = new PlaygroundController(lab);
    pg.open('user');
    expect(pg.session!.rates).toBe(true);
    pg.mark(0, 9);
    expect(pg.session!.error).toMatch(/from 0.5 to 5/);
    pg.mark(0, 5);
    pg.mark(3, 1);
    const s = pg.session!;
    expect(s.result!.method).toBe('least-squares');
    expect(s.marks).toEqual([
      { index: 0, rating: 5 },
      { index: 3, rating: 1 },
    ]);
    // Loved Sci-Fi, disliked Romance: Sci-Fi first.
    expect(['20', '30']).toContain(s.result!.recommendations[0].id);
    const before = s.result;
    lab.set({ embeddings: { ...snapshot(), epoch: 2 } });
    expect(pg.session!.result).not.toBe(before);
    // A new data set ends the session.
    lab.set({ dataset: dataset('explicit') });
    expect(pg.session).toBe(null);
  });

  it('New item: features sum, nearest items and likeliest users', () => {
    const lab = createStore(labState('implicit'));
    const pg = new PlaygroundController(lab);
    pg.open('item');
    pg.toggle(1);
    const r = pg.session!.result!;
    expect(r.method).toBe('feature-sum');
    expect(r.recommendations.slice(0, 3).map((x) => x.id)).toEqual(
      expect.arrayContaining(['40', '50', '60']),
    );
    expect(r.audience[0].id).toBe('u2');
    expect(r.position![0]).toBeGreaterThan(0);
    pg.toggle(1);
    expect(pg.session!.marks).toEqual([]);
  });

  it('says why it cannot start', () => {
    const lab = createStore({ ...labState('implicit'), embeddings: null });
    const pg = new PlaygroundController(lab);
    pg.open('user');
    expect(pg.session!.error).toMatch(/Train a model/);
    const noFeatures = createStore({
      ...labState('implicit'),
      embeddings: { ...snapshot(), itemFeatureFactors: undefined, userFeatureFactors: undefined },
    });
    const pg2 = new PlaygroundController(noFeatures);
    pg2.open('item');
    expect(pg2.session!.error).toMatch(/hybrid and FM/);
  });

  it('does not recommend items below the minimum support, unless too few would be left', () => {
    const base = labState('explicit');
    // Items 2 and 5 have no interactions; the others have one each.
    const s = {
      ...base,
      view: { ...base.view, neighbours: { ...base.view.neighbours, minSupport: 1 } },
    };
    const marks = [{ index: 0, rating: 5 }];
    const two = computePlayground(s, 'user', marks, 2).recommendations.map((r) => r.index);
    expect(two).toHaveLength(2);
    expect(two).not.toContain(2);
    expect(two).not.toContain(5);
    // Three items are supported besides the marked one: asking for four keeps the thin ones.
    const four = computePlayground(s, 'user', marks, 4).recommendations.map((r) => r.index);
    expect(four).toHaveLength(4);
    expect(four.some((i) => i === 2 || i === 5)).toBe(true);
  });
});
