import { describe, expect, it } from 'vitest';
import { UmapRunner, fitUnitBox } from './umap';
import { exactKnn, unitRows } from './knn';
import { plantedClusters } from './planted';
import { labelPurity, neighbourRecall } from './quality';
import { mulberry32, normalArray } from '../util/random';

/** Two tight Gaussian clusters in d dimensions pointing in different directions (by angle). */
function twoClusters(perCluster: number, d: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const data = normalArray(2 * perCluster * d, 0.15, random);
  for (let i = 0; i < 2 * perCluster; i++) data[i * d + (i < perCluster ? 0 : 1)] += 3;
  return data;
}

function run(
  data: Float32Array,
  n: number,
  d: number,
  seed: number,
  dims: 2 | 3 = 2,
): Float32Array {
  const runner = new UmapRunner(data, n, d, { dims, nEpochs: 120, seed });
  const total = runner.initialize();
  expect(total).toBe(120);
  let done = 0;
  while (done < total) done = runner.step(25);
  return runner.embedding();
}

describe('UmapRunner', () => {
  const per = 60;
  const d = 8;
  const data = twoClusters(per, d, 1);

  it('is deterministic for a seed and differs across seeds', () => {
    const a = run(data, 2 * per, d, 7);
    const b = run(data, 2 * per, d, 7);
    const c = run(data, 2 * per, d, 8);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    // Exact-number anchor: catches silent changes in the algorithm or in our seeding. (Re-pinned
    // when umap-js gave way to our own typed-array UMAP: same algorithm, other random streams.)
    const head = Array.from(a.slice(0, 6), (v) => Number(v.toFixed(4)));
    expect(head).toEqual([0.9322, -0.1556, 0.9509, 0.0231, 0.8821, -0.0948]);
  });

  it('keeps two well-separated clusters apart and fits [-1, 1]', () => {
    for (const seed of [1, 2, 3]) {
      const y = run(data, 2 * per, d, seed, 3);
      expect(y.every((v) => v >= -1 && v <= 1)).toBe(true);
      const centre = (from: number) => {
        const c = [0, 0, 0];
        for (let i = from; i < from + per; i++)
          for (let a = 0; a < 3; a++) c[a] += y[i * 3 + a] / per;
        return c;
      };
      const [ca, cb] = [centre(0), centre(per)];
      const between = Math.hypot(ca[0] - cb[0], ca[1] - cb[1], ca[2] - cb[2]);
      let spread = 0;
      for (let i = 0; i < 2 * per; i++) {
        const c = i < per ? ca : cb;
        spread = Math.max(
          spread,
          Math.hypot(y[i * 3] - c[0], y[i * 3 + 1] - c[1], y[i * 3 + 2] - c[2]),
        );
      }
      // Every point is nearer its own cluster's centre than the gap between the clusters.
      expect(between).toBeGreaterThan(2 * spread);
    }
  });

  it('separates by angle, not length (cosine distance)', () => {
    // Same directions as above, but each point scaled by a random 0.2..5: euclidean would smear it.
    const random = mulberry32(4);
    const scaled = data.slice();
    for (let i = 0; i < 2 * per; i++) {
      const s = 0.2 + 4.8 * random();
      for (let a = 0; a < d; a++) scaled[i * d + a] *= s;
    }
    const y = run(scaled, 2 * per, d, 1);
    let wrong = 0;
    for (let i = 0; i < 2 * per; i++) {
      const own = i < per ? 0 : per;
      const other = i < per ? per : 0;
      const dist = (j: number) => Math.hypot(y[i * 2] - y[j * 2], y[i * 2 + 1] - y[j * 2 + 1]);
      let dOwn = 0;
      let dOther = 0;
      for (let j = 0; j < per; j++) {
        dOwn += dist(own + j);
        dOther += dist(other + j);
      }
      if (dOwn >= dOther) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it('falls back to PCA for tiny inputs', () => {
    const runner = new UmapRunner(twoClusters(3, 4, 2), 6, 4, { dims: 3 });
    expect(runner.initialize()).toBe(0);
    expect(runner.isFallback).toBe(true);
    expect(runner.step(10)).toBe(0);
    const y = runner.embedding();
    expect(y.length).toBe(18);
    expect(y.every((v) => Number.isFinite(v) && Math.abs(v) <= 1)).toBe(true);
  });
});

describe('UmapRunner on planted clusters', () => {
  // 12 gaussian clusters of Zipf-like sizes that touch (noise 1.5): 82% of each point's 10 exact
  // cosine neighbours share its cluster, so a layout can visibly mix them.
  const { data, label, n, d } = plantedClusters({ n: 2000, d: 32, noise: 1.5, seed: 1 });

  it('keeps clusters apart as well as umap-js does', () => {
    // umap-js 1.4 alone (RP-forest + NN-descent, random init) on these points, 3D, 200 epochs,
    // seeds 1-3: purity@10 0.895-0.897, recall@14 0.219-0.226. Ours: 0.885-0.888, 0.232-0.237.
    // Exact neighbours cost a little purity: given the same (exact) neighbours, umap-js scores
    // 0.904 / 0.905 on the 10k bench case, as we do. The bound is umap-js's minus 0.015.
    const knn = exactKnn(unitRows(data, n, d), n, d, 15);
    for (const seed of [1, 2]) {
      const runner = new UmapRunner(data, n, d, { dims: 3, nEpochs: 200, seed });
      runner.step(runner.initialize());
      const y = runner.embedding();
      expect(labelPurity(y, n, 3, label, 10)).toBeGreaterThan(0.88);
      expect(neighbourRecall(y, 3, knn)).toBeGreaterThan(0.219);
    }
  });

  it('starts from its initial layout, which PCA already roughly separates', () => {
    const runner = new UmapRunner(data, n, d, { dims: 3, seed: 1 });
    const first = runner.initialLayout();
    expect(first.every((v) => v >= -1 && v <= 1)).toBe(true);
    runner.initialize();
    expect(Array.from(runner.embedding())).toEqual(Array.from(first));
    // Far above the ~0.15 of a random layout, far below the finished layout's ~0.89.
    expect(labelPurity(first, n, 3, label, 10)).toBeGreaterThan(0.55);
  });
});

describe('fitUnitBox', () => {
  it('centres and scales uniformly', () => {
    const y = fitUnitBox(Float32Array.from([0, 0, 4, 1, 2, 2]), 3, 2);
    expect(Array.from(y)).toEqual([-1, -0.5, 1, 0, 0, 0.5]);
    expect(Array.from(fitUnitBox(Float32Array.from([3, 3, 3, 3]), 2, 2))).toEqual([0, 0, 0, 0]);
  });
});
