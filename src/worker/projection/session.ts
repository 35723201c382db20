/**
 * The projection worker's logic as a plain class, so it runs in Node tests without a Worker.
 * One job at a time, latest wins: a new 'project' or a 'cancel' stops the running job at its next
 * slice boundary, and a stopped job sends nothing more.
 */

import { pca } from '../../core/projection/pca';
import { UmapRunner } from '../../core/projection/umap';
import { TsneRunner } from '../../core/projection/tsne';
import { procrustesAlign } from '../../core/projection/align';
import {
  transferablesOf,
  type ProjectRequest,
  type ProjectionRequest,
  type ProjectionResponse,
} from './protocol';

export type Post = (msg: ProjectionResponse, transfer: ArrayBuffer[]) => void;

export interface SessionOptions {
  /** Time budget of one UMAP slice before yielding to the event loop, ms (default 25). */
  sliceMs?: number;
  /** How to yield between slices (default setTimeout 0); tests may inject their own. */
  defer?: (fn: () => void) => void;
  /** Clock in ms (default performance.now). */
  now?: () => number;
  /** How to rest between slices while the share is below 1 (default setTimeout ms). */
  sleep?: (fn: () => void, ms: number) => void;
}

/** What UMAP's and t-SNE's runners share: the session steps either in time slices. */
interface IterativeLayout {
  /** Runs up to `count` more epochs / iterations; returns how many are done in all. */
  step(count: number): number;
  embedding(): Float32Array;
}

/** Share of a UMAP request's progress bar given to the neighbour graph, the unsliceable part. */
const GRAPH_SHARE = 0.3;
/** Intermediate layouts are sent this often, as a fraction of the epochs. */
const SNAPSHOT_EVERY = 0.1;

export class ProjectionSession {
  private readonly post: Post;
  private readonly sliceMs: number;
  private readonly defer: (fn: () => void) => void;
  private readonly now: () => number;
  private readonly sleep: (fn: () => void, ms: number) => void;
  /** The share of the wall clock slices may fill (see ShareRequest); 1: no rest. */
  private share = 1;
  /** Id of the job allowed to keep running; any other job stops when it next looks. */
  private current: number | null = null;

  constructor(post: Post, opts: SessionOptions = {}) {
    this.post = post;
    this.sliceMs = opts.sliceMs ?? 25;
    this.defer = opts.defer ?? ((fn) => setTimeout(fn, 0));
    this.now = opts.now ?? (() => performance.now());
    this.sleep = opts.sleep ?? ((fn, ms) => setTimeout(fn, ms));
  }

  handle(msg: ProjectionRequest): void {
    if (msg.type === 'share') {
      // Out-of-range shares are clamped: a zero share would never finish a layout.
      this.share = Math.min(1, Math.max(0.05, Number.isFinite(msg.share) ? msg.share : 1));
      return;
    }
    if (msg.type === 'cancel') {
      if (this.current === msg.id) this.current = null;
      return;
    }
    this.current = msg.id;
    const started = this.now();
    // Yield once first: a burst of requests (e.g. a slider being dragged) then only runs the last.
    this.defer(() => this.run(msg, started));
  }

  private send(msg: ProjectionResponse): void {
    this.post(msg, transferablesOf(msg));
  }

  private live(id: number): boolean {
    return this.current === id;
  }

  private run(req: ProjectRequest, started: number): void {
    if (!this.live(req.id)) return;
    try {
      validate(req);
      const align =
        req.align && req.align.length === req.n * req.dims && req.n > 0 ? req.align : null;
      // Rotate onto the previous layout, then fit the box again: chaining Procrustes' least-squares
      // scale from one refresh to the next would shrink the cloud a little every time.
      const finish = (raw: Float32Array): Float32Array =>
        align ? fitToUnit(procrustesAlign(align, raw, req.n, req.dims), req.n, req.dims) : raw;

      if (req.method === 'pca') {
        // Components first..first + dims - 1 (e.g. 2-4 to look past the dominant axis).
        const first = Math.max(1, Math.min(req.d, Math.round(req.params.firstComponent ?? 1)));
        const k = first - 1 + req.dims;
        const all = pca(req.data, req.n, req.d, k);
        const coords = new Float32Array(req.n * req.dims);
        for (let i = 0; i < req.n; i++)
          for (let a = 0; a < req.dims; a++)
            coords[i * req.dims + a] = all.coords[i * k + first - 1 + a];
        const explained = all.explained.slice(first - 1);
        this.complete(
          req.id,
          { coords: finish(fitToUnit(coords, req.n, req.dims)), explained },
          started,
        );
        return;
      }

      if (req.method === 'identity') {
        if (req.d > 3)
          throw new RangeError(`identity needs 3 or fewer dimensions; the embedding has ${req.d}`);
        // The embedding's own axes; a missing axis is 0, an extra one (3 dims shown in 2D) dropped.
        const coords = new Float32Array(req.n * req.dims);
        for (let i = 0; i < req.n; i++)
          for (let a = 0; a < Math.min(req.d, req.dims); a++)
            coords[i * req.dims + a] = req.data[i * req.d + a];
        this.complete(req.id, { coords: finish(fitToUnit(coords, req.n, req.dims)) }, started);
        return;
      }

      if (req.method === 'tsne') {
        const runner = new TsneRunner(req.data, req.n, req.d, {
          dims: req.dims,
          perplexity: req.params.perplexity,
        });
        this.send({ type: 'progress', id: req.id, phase: 'neighbours', fraction: 0 });
        const total = runner.initialize();
        // The PCA start it optimises from, at once.
        const coords = finish(runner.embedding());
        if (total === 0) {
          this.complete(req.id, { coords }, started);
          return;
        }
        this.send({
          type: 'progress',
          id: req.id,
          phase: 'optimise',
          fraction: GRAPH_SHARE,
          coords,
        });
        this.optimise(req.id, runner, total, finish, started, SNAPSHOT_EVERY);
        return;
      }

      const runner = new UmapRunner(req.data, req.n, req.d, { dims: req.dims, ...req.params });
      // The layout UMAP starts from (PCA) comes first: a picture within tens of milliseconds,
      // while the neighbour graph (about a second at 10k points) is built.
      const coords = finish(runner.initialLayout());
      this.send({ type: 'progress', id: req.id, phase: 'neighbours', fraction: 0, coords });
      const total = runner.initialize();
      if (total === 0) {
        this.complete(req.id, { coords: finish(runner.embedding()) }, started);
        return;
      }
      this.send({ type: 'progress', id: req.id, phase: 'optimise', fraction: GRAPH_SHARE });
      this.optimise(req.id, runner, total, finish, started, SNAPSHOT_EVERY);
    } catch (err) {
      this.fail(req.id, err);
    }
  }

  /** One slice of epochs, then re-schedules itself unless superseded or finished. */
  private optimise(
    id: number,
    runner: IterativeLayout,
    total: number,
    finish: (raw: Float32Array) => Float32Array,
    started: number,
    nextSnapshot: number,
  ): void {
    if (!this.live(id)) return;
    try {
      const sliceStart = this.now();
      let done = runner.step(1);
      while (done < total && this.now() - sliceStart < this.sliceMs) done = runner.step(1);
      if (done >= total) {
        this.complete(id, { coords: finish(runner.embedding()) }, started);
        return;
      }
      const fraction = GRAPH_SHARE + ((1 - GRAPH_SHARE) * done) / total;
      if (done / total >= nextSnapshot) {
        const coords = finish(runner.embedding());
        this.send({ type: 'progress', id, phase: 'optimise', fraction, coords });
        nextSnapshot = (Math.floor(done / total / SNAPSHOT_EVERY) + 1) * SNAPSHOT_EVERY;
      } else {
        this.send({ type: 'progress', id, phase: 'optimise', fraction });
      }
      const next = () => this.optimise(id, runner, total, finish, started, nextSnapshot);
      // Below a full share, rest in proportion to the slice just run (see ShareRequest).
      const took = this.now() - sliceStart;
      if (this.share < 1) this.sleep(next, (took * (1 - this.share)) / this.share);
      else this.defer(next);
    } catch (err) {
      this.fail(id, err);
    }
  }

  private complete(
    id: number,
    result: { coords: Float32Array; explained?: number[] },
    started: number,
  ): void {
    if (this.current === id) this.current = null;
    this.send({ type: 'done', id, ...result, ms: this.now() - started });
  }

  private fail(id: number, err: unknown): void {
    if (this.current === id) this.current = null;
    this.send({ type: 'error', id, message: err instanceof Error ? err.message : String(err) });
  }
}

function validate(req: ProjectRequest): void {
  const { n, d, data, dims } = req;
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 0 || d < 1) {
    throw new RangeError(`bad shape ${n}x${d}`);
  }
  if (data.length !== n * d) throw new RangeError(`data has ${data.length} values, not ${n}x${d}`);
  if (dims !== 2 && dims !== 3) throw new RangeError(`dims must be 2 or 3, not ${String(dims)}`);
}

/** PCA coordinates are in embedding units; fit them to [-1, 1] like UMAP's so views agree. */
function fitToUnit(coords: Float32Array, n: number, dims: number): Float32Array {
  let max = 0;
  for (const v of coords) max = Math.max(max, Math.abs(v));
  if (max > 0) for (let j = 0; j < n * dims; j++) coords[j] /= max;
  return coords;
}
