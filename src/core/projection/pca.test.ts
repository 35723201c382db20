import { describe, expect, it } from 'vitest';
import { pca } from './pca';
import { mulberry32, normalArray } from '../util/random';

/** n points along a planted unit direction (std 5) plus isotropic noise (std 0.1), dimension d. */
function planted(n: number, d: number, seed: number): { data: Float32Array; dir: Float64Array } {
  const random = mulberry32(seed);
  const dir = new Float64Array(d);
  let norm = 0;
  for (let a = 0; a < d; a++) norm += (dir[a] = random() - 0.5) ** 2;
  for (let a = 0; a < d; a++) dir[a] /= Math.sqrt(norm);
  const t = normalArray(n, 5, random);
  const noise = normalArray(n * d, 0.1, random);
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++) data[i * d + a] = 3 + t[i] * dir[a] + noise[i * d + a];
  return { data, dir };
}

describe('pca', () => {
  it('recovers a planted direction as the first component', () => {
    const n = 500;
    const d = 16;
    const { data, dir } = planted(n, d, 7);
    const { coords, explained } = pca(data, n, d, 3);
    expect(coords.length).toBe(n * 3);
    expect(explained[0]).toBeGreaterThan(0.95);
    expect(explained[0]).toBeGreaterThan(explained[1]);
    expect(explained[1]).toBeGreaterThanOrEqual(explained[2]);
    const total = explained.reduce((s, x) => s + x, 0);
    expect(total).toBeLessThanOrEqual(1 + 1e-9);
    // The first coordinate should equal the (centred) projection onto the planted axis, up to sign.
    let mean = 0;
    for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) mean += (data[i * d + a] * dir[a]) / n;
    let corr = 0;
    let normA = 0;
    let normB = 0;
    for (let i = 0; i < n; i++) {
      let p = -mean;
      for (let a = 0; a < d; a++) p += data[i * d + a] * dir[a];
      corr += p * coords[i * 3];
      normA += p * p;
      normB += coords[i * 3] ** 2;
    }
    expect(Math.abs(corr) / Math.sqrt(normA * normB)).toBeGreaterThan(0.999);
  });

  it('gives orthogonal components with variances matching explained', () => {
    const n = 300;
    const d = 8;
    const random = mulberry32(3);
    const data = normalArray(n * d, 1, random);
    for (let i = 0; i < n; i++) data[i * d] *= 4; // a clear leading axis
    const { coords, explained } = pca(data, n, d, 3);
    const variance = [0, 0, 0];
    let total = 0;
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) mean[a] += data[i * d + a] / n;
    for (let i = 0; i < n; i++)
      for (let a = 0; a < d; a++) total += (data[i * d + a] - mean[a]) ** 2;
    for (let c = 0; c < 3; c++) for (let i = 0; i < n; i++) variance[c] += coords[i * 3 + c] ** 2;
    for (let c = 0; c < 3; c++) expect(variance[c] / total).toBeCloseTo(explained[c], 6);
    let cross = 0;
    for (let i = 0; i < n; i++) cross += coords[i * 3] * coords[i * 3 + 1];
    expect(Math.abs(cross) / Math.sqrt(variance[0] * variance[1])).toBeLessThan(1e-6);
  });

  it('is deterministic', () => {
    const { data } = planted(200, 10, 1);
    const a = pca(data, 200, 10, 3);
    const b = pca(data, 200, 10, 3);
    expect(Array.from(a.coords)).toEqual(Array.from(b.coords));
  });

  it('zero-pads when d < k and copes with degenerate input', () => {
    const data = Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3]); // 4 points on a line in 2D
    const { coords, explained } = pca(data, 4, 2, 3);
    expect(coords.length).toBe(12);
    for (let i = 0; i < 4; i++) {
      expect(coords[i * 3 + 1]).toBeCloseTo(0, 6);
      expect(coords[i * 3 + 2]).toBe(0);
    }
    expect(explained[0]).toBeCloseTo(1, 9);
    expect(explained[2]).toBe(0);
    const same = pca(new Float32Array(6).fill(2), 3, 2, 2);
    expect(Array.from(same.coords)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(same.explained).toEqual([0, 0]);
    expect(pca(new Float32Array(0), 0, 4, 2).coords.length).toBe(0);
  });
});
