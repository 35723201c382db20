/**
 * Orthogonal Procrustes alignment of one layout onto another. UMAP and PCA layouts are only defined up
 * to rotation, reflection and scale; re-projecting during training without this makes the cloud spin
 * or flip between frames instead of drifting.
 */

/**
 * Returns `next` (n x dims row-major) rotated/reflected, uniformly scaled and translated to best match
 * `prev` (same shape) in the least-squares sense. A new array; inputs are not modified.
 * When either layout has no spread the result is `next` moved onto prev's centroid.
 */
export function procrustesAlign(
  prev: Float32Array,
  next: Float32Array,
  n: number,
  dims: number,
): Float32Array {
  if (prev.length !== n * dims || next.length !== n * dims) {
    throw new RangeError(`procrustesAlign: layouts must both be ${n}x${dims}`);
  }
  const out = new Float32Array(n * dims);
  if (n === 0) return out;
  const muP = centroid(prev, n, dims);
  const muN = centroid(next, n, dims);

  // m = Y^T X, with Y = centred next and X = centred prev (dims x dims).
  const m = new Float64Array(dims * dims);
  let normY = 0;
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dims; a++) {
      const y = next[i * dims + a] - muN[a];
      normY += y * y;
      for (let b = 0; b < dims; b++) m[a * dims + b] += y * (prev[i * dims + b] - muP[b]);
    }
  }

  let r: Float64Array;
  let scale: number;
  const { u, s, v } = svd(m, dims);
  const sumS = s.reduce((acc, x) => acc + x, 0);
  if (normY > 0 && sumS > 0) {
    r = new Float64Array(dims * dims); // r = U V^T
    for (let a = 0; a < dims; a++) {
      for (let b = 0; b < dims; b++) {
        let acc = 0;
        for (let c = 0; c < dims; c++) acc += u[a * dims + c] * v[b * dims + c];
        r[a * dims + b] = acc;
      }
    }
    scale = sumS / normY;
  } else {
    r = identity(dims);
    scale = 1;
  }

  for (let i = 0; i < n; i++) {
    for (let b = 0; b < dims; b++) {
      let acc = 0;
      for (let a = 0; a < dims; a++) acc += (next[i * dims + a] - muN[a]) * r[a * dims + b];
      out[i * dims + b] = acc * scale + muP[b];
    }
  }
  return out;
}

function centroid(layout: Float32Array, n: number, dims: number): Float64Array {
  const mu = new Float64Array(dims);
  for (let i = 0; i < n; i++) for (let a = 0; a < dims; a++) mu[a] += layout[i * dims + a];
  for (let a = 0; a < dims; a++) mu[a] /= n;
  return mu;
}

function identity(size: number): Float64Array {
  const out = new Float64Array(size * size);
  for (let a = 0; a < size; a++) out[a * size + a] = 1;
  return out;
}

/**
 * SVD of a small square matrix (size x size, row-major) by one-sided Jacobi rotations: m = U diag(s) V^T.
 * U and V are orthogonal (columns completed to a basis when m is rank-deficient); s >= 0, unsorted.
 */
export function svd(
  m: Float64Array,
  size: number,
): { u: Float64Array; s: Float64Array; v: Float64Array } {
  const a = Float64Array.from(m); // columns converge to U diag(s)
  const v = identity(size);
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < size - 1; p++) {
      for (let q = p + 1; q < size; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < size; i++) {
          const x = a[i * size + p];
          const y = a[i * size + q];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = c * t;
        for (const mat of [a, v]) {
          for (let i = 0; i < size; i++) {
            const x = mat[i * size + p];
            const y = mat[i * size + q];
            mat[i * size + p] = c * x - sn * y;
            mat[i * size + q] = sn * x + c * y;
          }
        }
      }
    }
    if (!rotated) break;
  }

  const s = new Float64Array(size);
  const u = new Float64Array(size * size);
  let largest = 0;
  for (let j = 0; j < size; j++) {
    let norm = 0;
    for (let i = 0; i < size; i++) norm += a[i * size + j] ** 2;
    s[j] = Math.sqrt(norm);
    largest = Math.max(largest, s[j]);
  }
  const missing: number[] = [];
  for (let j = 0; j < size; j++) {
    if (s[j] > largest * 1e-12 && s[j] > 0) {
      for (let i = 0; i < size; i++) u[i * size + j] = a[i * size + j] / s[j];
    } else {
      s[j] = 0;
      missing.push(j);
    }
  }
  completeBasis(u, size, missing);
  return { u, s, v };
}

/** Fills the listed (zero) columns of u with unit vectors orthogonal to all other columns. */
function completeBasis(u: Float64Array, size: number, missing: number[]): void {
  const filled = new Set<number>();
  for (let j = 0; j < size; j++) if (!missing.includes(j)) filled.add(j);
  for (const j of missing) {
    for (let e = 0; e < size; e++) {
      const col = new Float64Array(size);
      col[e] = 1;
      for (const k of filled) {
        let p = 0;
        for (let i = 0; i < size; i++) p += col[i] * u[i * size + k];
        for (let i = 0; i < size; i++) col[i] -= p * u[i * size + k];
      }
      const norm = Math.hypot(...col);
      if (norm < 1e-6) continue;
      for (let i = 0; i < size; i++) u[i * size + j] = col[i] / norm;
      filled.add(j);
      break;
    }
  }
}
