/**
 * Barnes-Hut t-SNE (van der Maaten 2014), step-able like `UmapRunner` so the projection worker
 * owns pacing, progress and cancellation. Distances are cosine, as UMAP's here: recommender
 * embeddings are compared by angle.
 *
 * - Input affinities from each point's 3 x perplexity exact nearest neighbours (`exactKnn`), with
 *   a per-point bandwidth found by bisection so the conditional distribution's perplexity is the
 *   one asked for; symmetrised as p_ij = (p_j|i + p_i|j) / 2n.
 * - Attraction over those sparse p_ij; repulsion from a quadtree (2D) or octree (3D) whose cells
 *   stand for all their points when they look small from the point (width / distance < theta).
 * - The optimiser of the reference implementation: early exaggeration 12 for the first 250
 *   iterations, momentum 0.5 then 0.8, per-coordinate gains; learning rate n / 12 (Belkina et
 *   al. 2019), started from PCA scaled to a small spread (Kobak & Linderman 2021), which keeps the
 *   global layout and needs fewer iterations than a random start.
 */
import { exactKnn, unitRows } from './knn';
import { pca } from './pca';
import { fitUnitBox } from './umap';

export interface TsneOptions {
  dims: 2 | 3;
  /** Effective number of neighbours (default 30; at most (n - 1) / 3 is used). */
  perplexity?: number;
  /** Optimisation iterations (default 500: 250 exaggerated, 250 not). */
  iterations?: number;
  /** Barnes-Hut accuracy: smaller is more exact and slower (default 0.5 in 2D, 0.7 in 3D). */
  theta?: number;
}

const EXAGGERATION = 12;
const EXAGGERATION_ITERATIONS = 250;

export class TsneRunner {
  private readonly dims: 2 | 3;
  private readonly perplexity: number;
  private readonly total: number;
  private readonly theta: number;
  private done = 0;
  /** Directed affinities: row i's neighbours `col` with weights `p` (already / 2n). */
  private rowStart = new Int32Array(0);
  private col = new Int32Array(0);
  private p = new Float64Array(0);
  private y = new Float64Array(0);
  private velocity = new Float64Array(0);
  private gains = new Float64Array(0);
  private grad = new Float64Array(0);

  constructor(
    private readonly data: Float32Array,
    private readonly n: number,
    private readonly d: number,
    opts: TsneOptions,
  ) {
    if (data.length !== n * d)
      throw new RangeError(`TsneRunner: data has ${data.length} values, not ${n}x${d}`);
    this.dims = opts.dims;
    this.perplexity = Math.max(1, Math.min(opts.perplexity ?? 30, (n - 1) / 3));
    this.total = Math.max(1, Math.round(opts.iterations ?? 500));
    this.theta = opts.theta ?? (opts.dims === 3 ? 0.7 : 0.5);
  }

  /** Neighbours, affinities and the PCA start. Returns the iterations to run. */
  initialize(): number {
    const { n, d, dims } = this;
    if (n < 4) {
      this.y = Float64Array.from(pca(this.data, n, d, dims).coords);
      return 0;
    }
    const k = Math.min(n - 1, Math.floor(3 * this.perplexity));
    const knn = exactKnn(unitRows(this.data, n, d), n, d, k + 1);
    this.affinities(knn.index, knn.dist, k + 1);
    // PCA start, scaled so the first axis has standard deviation 1e-4.
    const start = pca(this.data, n, d, dims).coords;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      sum += start[i * dims];
      sq += start[i * dims] ** 2;
    }
    const std = Math.sqrt(Math.max(1e-12, sq / n - (sum / n) ** 2));
    this.y = Float64Array.from(start, (v) => (v / std) * 1e-4);
    this.velocity = new Float64Array(n * dims);
    this.gains = new Float64Array(n * dims).fill(1);
    this.grad = new Float64Array(n * dims);
    return this.total;
  }

  get totalEpochs(): number {
    return this.p.length ? this.total : 0;
  }

  /** Runs up to `iterations` more iterations; returns the iterations done so far. */
  step(iterations: number): number {
    if (!this.p.length) return 0;
    for (let t = 0; t < iterations && this.done < this.total; t++) this.iterate();
    return this.done;
  }

  /** Current layout: n x dims, centred and scaled to fit [-1, 1]. */
  embedding(): Float32Array {
    return fitUnitBox(Float32Array.from(this.y), this.n, this.dims);
  }

  /** p_j|i from the neighbours' cosine distances (bandwidth by bisection on the entropy). */
  private affinities(index: Int32Array, dist: Float32Array, width: number): void {
    const { n } = this;
    const k = width - 1;
    const target = Math.log(this.perplexity);
    this.rowStart = Int32Array.from({ length: n + 1 }, (_, i) => i * k);
    this.col = new Int32Array(n * k);
    this.p = new Float64Array(n * k);
    const w = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      // Entry 0 of a row is the point itself.
      const base = i * width + 1;
      const d0 = dist[base];
      let [beta, lo, hi] = [1, 0, Infinity];
      for (let iter = 0; iter < 64; iter++) {
        let sum = 0;
        let dot = 0;
        for (let j = 0; j < k; j++) {
          const delta = dist[base + j] - d0;
          w[j] = Math.exp(-beta * delta);
          sum += w[j];
          dot += w[j] * delta;
        }
        const entropy = Math.log(sum) + (beta * dot) / sum;
        if (Math.abs(entropy - target) < 1e-5) break;
        if (entropy > target) [lo, beta] = [beta, hi === Infinity ? beta * 2 : (beta + hi) / 2];
        else [hi, beta] = [beta, (beta + lo) / 2];
      }
      let sum = 0;
      for (let j = 0; j < k; j++) sum += w[j];
      for (let j = 0; j < k; j++) {
        this.col[i * k + j] = index[base + j];
        // Symmetrised over the directed pairs: each (i, j) pulls both ends with p_j|i / 2n.
        this.p[i * k + j] = w[j] / sum / (2 * n);
      }
    }
  }

  private iterate(): void {
    const { n, dims, y, grad } = this;
    const exaggeration = this.done < EXAGGERATION_ITERATIONS ? EXAGGERATION : 1;
    const momentum = this.done < EXAGGERATION_ITERATIONS ? 0.5 : 0.8;
    const rate = Math.max(n / EXAGGERATION, 50);
    grad.fill(0);
    // Attraction: sum_j p_ij q_ij Z (y_i - y_j), q_ij Z = 1 / (1 + |y_i - y_j|^2).
    for (let i = 0; i < n; i++) {
      for (let e = this.rowStart[i]; e < this.rowStart[i + 1]; e++) {
        const j = this.col[e];
        let d2 = 0;
        for (let a = 0; a < dims; a++) d2 += (y[i * dims + a] - y[j * dims + a]) ** 2;
        const f = (exaggeration * this.p[e]) / (1 + d2);
        for (let a = 0; a < dims; a++) {
          const diff = f * (y[i * dims + a] - y[j * dims + a]);
          grad[i * dims + a] += diff;
          grad[j * dims + a] -= diff;
        }
      }
    }
    // Repulsion: -sum_j q_ij^2 Z (y_i - y_j) / Z, from the tree.
    const tree = new SpaceTree(y, n, dims);
    const force = new Float64Array(n * dims);
    let z = 0;
    for (let i = 0; i < n; i++) z += tree.repulsion(i, this.theta, force);
    for (let k = 0; k < n * dims; k++) grad[k] = 4 * (grad[k] - force[k] / z);
    // Gains grow where the gradient keeps its sign against the velocity, shrink where it flips.
    for (let k = 0; k < n * dims; k++) {
      const same = grad[k] > 0 === this.velocity[k] > 0;
      this.gains[k] = Math.max(0.01, same ? this.gains[k] * 0.8 : this.gains[k] + 0.2);
      this.velocity[k] = momentum * this.velocity[k] - rate * this.gains[k] * grad[k];
      y[k] += this.velocity[k];
    }
    this.done++;
  }
}

/**
 * A quadtree (2D) or octree (3D) over the layout in flat arrays: per node its cell's centre and
 * half-width, the centre of mass and number of its points, and its first child (children are
 * consecutive). Built by inserting points one by one; cells split when a second point arrives,
 * down to a depth limit (coincident points then share a leaf).
 */
class SpaceTree {
  private readonly fanout: number;
  private centre: Float64Array;
  private half: Float64Array;
  private mass: Float64Array;
  private count: Int32Array;
  private child: Int32Array;
  /** The point a leaf holds alone (-1: none or several). */
  private point: Int32Array;
  private depth: Uint8Array;
  private size = 0;

  constructor(
    private readonly y: Float64Array,
    n: number,
    private readonly dims: number,
  ) {
    this.fanout = 1 << dims;
    const capacity = 4 * n + 16;
    this.centre = new Float64Array(capacity * dims);
    this.half = new Float64Array(capacity);
    this.mass = new Float64Array(capacity * dims);
    this.count = new Int32Array(capacity);
    this.child = new Int32Array(capacity).fill(-1);
    this.point = new Int32Array(capacity).fill(-1);
    this.depth = new Uint8Array(capacity);
    const lo = new Float64Array(dims).fill(Infinity);
    const hi = new Float64Array(dims).fill(-Infinity);
    for (let i = 0; i < n; i++)
      for (let a = 0; a < dims; a++) {
        lo[a] = Math.min(lo[a], y[i * dims + a]);
        hi[a] = Math.max(hi[a], y[i * dims + a]);
      }
    let half = 1e-9;
    for (let a = 0; a < dims; a++) half = Math.max(half, (hi[a] - lo[a]) / 2 + 1e-9);
    const root = this.node(0);
    for (let a = 0; a < dims; a++) this.centre[root * dims + a] = (lo[a] + hi[a]) / 2;
    this.half[root] = half;
    for (let i = 0; i < n; i++) this.insert(i);
  }

  private node(depth: number): number {
    if (this.size === this.half.length) this.grow();
    const id = this.size++;
    this.depth[id] = depth;
    return id;
  }

  private grow(): void {
    const cap = this.half.length * 2;
    const resize = <T extends Float64Array | Int32Array | Uint8Array>(
      a: T,
      per: number,
      fill = 0,
    ) => {
      const out = new (a.constructor as new (n: number) => T)(cap * per);
      out.fill(fill as never);
      out.set(a as never);
      return out;
    };
    this.centre = resize(this.centre, this.dims);
    this.half = resize(this.half, 1);
    this.mass = resize(this.mass, this.dims);
    this.count = resize(this.count, 1);
    this.child = resize(this.child, 1, -1);
    this.point = resize(this.point, 1, -1);
    this.depth = resize(this.depth, 1);
  }

  private insert(i: number): void {
    const { y, dims } = this;
    let node = 0;
    for (;;) {
      // Every cell on the way counts the point into its centre of mass.
      const c = ++this.count[node];
      for (let a = 0; a < dims; a++)
        this.mass[node * dims + a] += (y[i * dims + a] - this.mass[node * dims + a]) / c;
      if (this.child[node] < 0) {
        if (c === 1) {
          this.point[node] = i;
          return;
        }
        if (this.depth[node] >= 40) {
          this.point[node] = -1; // coincident points share this leaf
          return;
        }
        // Split: move the resident point down, then carry on with i.
        this.split(node);
        const resident = this.point[node];
        this.point[node] = -1;
        if (resident >= 0) this.place(this.child[node] + this.octant(node, resident), resident);
      }
      node = this.child[node] + this.octant(node, i);
    }
  }

  /** Puts a point alone into an empty child cell. */
  private place(node: number, i: number): void {
    this.count[node] = 1;
    this.point[node] = i;
    for (let a = 0; a < this.dims; a++) this.mass[node * this.dims + a] = this.y[i * this.dims + a];
  }

  private split(node: number): void {
    const { dims } = this;
    const first = this.size;
    const half = this.half[node] / 2;
    for (let k = 0; k < this.fanout; k++) {
      const c = this.node(this.depth[node] + 1);
      this.half[c] = half;
      for (let a = 0; a < dims; a++)
        this.centre[c * dims + a] = this.centre[node * dims + a] + ((k >> a) & 1 ? half : -half);
    }
    this.child[node] = first;
  }

  private octant(node: number, i: number): number {
    let k = 0;
    for (let a = 0; a < this.dims; a++)
      if (this.y[i * this.dims + a] >= this.centre[node * this.dims + a]) k |= 1 << a;
    return k;
  }

  /**
   * Adds to `force[i]` the sum over other points of q^2 Z (y_i - y_j), q Z = 1 / (1 + d^2), with
   * far cells standing for their points; returns this point's share of Z.
   */
  repulsion(i: number, theta: number, force: Float64Array): number {
    const { y, dims } = this;
    let z = 0;
    const stack = [0];
    while (stack.length) {
      const node = stack.pop()!;
      const count = this.count[node];
      if (count === 0 || this.point[node] === i) continue;
      let d2 = 0;
      for (let a = 0; a < dims; a++) d2 += (y[i * dims + a] - this.mass[node * dims + a]) ** 2;
      const width = 2 * this.half[node];
      if (this.child[node] < 0 || width * width < theta * theta * d2) {
        // A leaf of coincident points may hold i itself: it adds nothing (distance 0 to itself
        // is counted once per other point only).
        const others = this.child[node] < 0 && d2 === 0 ? count - 1 : count;
        if (others <= 0) continue;
        const q = 1 / (1 + d2);
        z += others * q;
        const f = others * q * q;
        for (let a = 0; a < dims; a++)
          force[i * dims + a] += f * (y[i * dims + a] - this.mass[node * dims + a]);
      } else {
        for (let k = 0; k < this.fanout; k++) stack.push(this.child[node] + k);
      }
    }
    return z;
  }
}
