import { describe, expect, it } from 'vitest';
import { TsneRunner } from './tsne';
import { mulberry32, normalArray } from '../util/random';

/** `per` points around each of `clusters` random directions in d dimensions (cosine-separated). */
function clustered(clusters: number, per: number, d: number, seed: number) {
  const random = mulberry32(seed);
  const centres = normalArray(clusters * d, 1, random);
  const noise = normalArray(clusters * per * d, 0.15, random);
  const data = new Float32Array(clusters * per * d);
  const label = new Int32Array(clusters * per);
  for (let c = 0; c < clusters; c++)
    for (let k = 0; k < per; k++) {
      const i = c * per + k;
      label[i] = c;
      for (let a = 0; a < d; a++) data[i * d + a] = centres[c * d + a] + noise[i * d + a];
    }
  return { data, label, n: clusters * per };
}

/** Share of each point's 10 nearest layout neighbours that carry its label. */
function purity(layout: Float32Array, dims: number, label: Int32Array): number {
  const n = label.length;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const d2 = Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let a = 0; a < dims; a++) s += (layout[i * dims + a] - layout[j * dims + a]) ** 2;
      return [s, j] as const;
    }).sort((x, y) => x[0] - y[0]);
    for (let r = 1; r <= 10; r++) if (label[d2[r][1]] === label[i]) hits++;
  }
  return hits / (10 * n);
}

describe('TsneRunner', () => {
  it.each([2, 3] as const)('keeps planted clusters apart in %iD', (dims) => {
    const { data, label, n } = clustered(4, 60, 12, 7);
    const t = new TsneRunner(data, n, 12, { dims, perplexity: 15, iterations: 400 });
    expect(t.initialize()).toBe(400);
    let done = 0;
    while (done < 400) done = t.step(50);
    const layout = t.embedding();
    expect(layout).toHaveLength(n * dims);
    expect(layout.every(Number.isFinite)).toBe(true);
    expect(Math.max(...layout.map(Math.abs))).toBeCloseTo(1, 5);
    expect(purity(layout, dims, label)).toBeGreaterThan(0.95);
  });

  it('is deterministic', () => {
    const { data, n } = clustered(3, 30, 8, 1);
    const run = () => {
      const t = new TsneRunner(data, n, 8, { dims: 2, iterations: 100 });
      t.initialize();
      t.step(100);
      return t.embedding();
    };
    expect(run()).toEqual(run());
  });

  it('lays out tiny inputs by PCA', () => {
    const t = new TsneRunner(Float32Array.from([0, 1, 1, 0, 2, 2]), 3, 2, { dims: 2 });
    expect(t.initialize()).toBe(0);
    expect(t.embedding()).toHaveLength(6);
  });
});
