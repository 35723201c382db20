import { describe, expect, it } from 'vitest';
import { procrustesAlign, svd } from './align';
import { mulberry32, normalArray } from '../util/random';

/** Rotation about axis (x, y, z) by angle t (3 x 3 row-major). */
function rotation(x: number, y: number, z: number, t: number): number[] {
  const l = Math.hypot(x, y, z);
  [x, y, z] = [x / l, y / l, z / l];
  const c = Math.cos(t);
  const s = Math.sin(t);
  const k = 1 - c;
  return [
    c + x * x * k,
    x * y * k - z * s,
    x * z * k + y * s,
    y * x * k + z * s,
    c + y * y * k,
    y * z * k - x * s,
    z * x * k - y * s,
    z * y * k + x * s,
    c + z * z * k,
  ];
}

function transform(
  layout: Float32Array,
  n: number,
  dims: number,
  r: number[],
  scale: number,
  shift: number[],
): Float32Array {
  const out = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < dims; b++) {
      let acc = 0;
      for (let a = 0; a < dims; a++) acc += layout[i * dims + a] * r[a * dims + b];
      out[i * dims + b] = acc * scale + shift[b];
    }
  }
  return out;
}

describe('procrustesAlign', () => {
  const n = 200;
  const random = mulberry32(5);

  it('undoes a known 3D rotation, scale and shift', () => {
    const prev = normalArray(n * 3, 1, random);
    const next = transform(prev, n, 3, rotation(1, 2, -0.5, 1.1), 2.5, [4, -1, 0.5]);
    const aligned = procrustesAlign(prev, next, n, 3);
    for (let j = 0; j < prev.length; j++) expect(aligned[j]).toBeCloseTo(prev[j], 4);
  });

  it('undoes a 2D reflection and tolerates noise', () => {
    const prev = normalArray(n * 2, 1, random);
    const reflect = [Math.cos(0.7), Math.sin(0.7), Math.sin(0.7), -Math.cos(0.7)];
    const next = transform(prev, n, 2, reflect, 0.3, [0, 0]);
    const noise = normalArray(n * 2, 0.01, random);
    for (let j = 0; j < next.length; j++) next[j] += noise[j];
    const aligned = procrustesAlign(prev, next, n, 2);
    let err = 0;
    for (let j = 0; j < prev.length; j++) err = Math.max(err, Math.abs(aligned[j] - prev[j]));
    expect(err).toBeLessThan(0.2);
  });

  it('handles collapsed layouts without NaN', () => {
    const prev = normalArray(10 * 3, 1, random);
    const next = new Float32Array(30).fill(1);
    const aligned = procrustesAlign(prev, next, 10, 3);
    expect(aligned.every(Number.isFinite)).toBe(true);
    const line = Float32Array.from({ length: 30 }, (_, j) => (j % 3 === 0 ? j : 0));
    expect(procrustesAlign(prev, line, 10, 3).every(Number.isFinite)).toBe(true);
  });
});

describe('svd', () => {
  it('reconstructs a matrix with orthogonal factors, including rank-deficient ones', () => {
    for (const m of [
      [2, 1, 0, -1, 3, 1, 0.5, 0, 1],
      [1, 2, 3, 2, 4, 6, 1, 2, 3],
      [0, 0, 0, 0, 0, 0, 0, 0, 0],
    ]) {
      const { u, s, v } = svd(Float64Array.from(m), 3);
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          let rec = 0;
          let uu = 0;
          let vv = 0;
          for (let c = 0; c < 3; c++) {
            rec += u[a * 3 + c] * s[c] * v[b * 3 + c];
            uu += u[c * 3 + a] * u[c * 3 + b];
            vv += v[c * 3 + a] * v[c * 3 + b];
          }
          expect(rec).toBeCloseTo(m[a * 3 + b], 9);
          expect(uu).toBeCloseTo(a === b ? 1 : 0, 9);
          expect(vv).toBeCloseTo(a === b ? 1 : 0, 9);
        }
      }
    }
  });
});
