/**
 * Projection: lays out the latest embeddings in the projection worker (`projection` state), keeps
 * the run's layouts for the epoch slider, and holds the settings (method, dimensions, parameters,
 * colour, point budget, isolated points). A newer layout supersedes a running one.
 */
import type { Store } from './store';
import type { ColorBy, LabState, ProjectionState } from './lab-state';
import { pointCount, pointSpace, popularity, projectionInput, type PointSpace } from './points';
import { sameSubset, spreadLayout, stratifiedSample } from './subset';
import type { Dataset } from '../core/data/types';
import {
  ProjectionCancelledError,
  ProjectionClient,
  type ProjectionInput,
  type ProjectionProgress,
  type ProjectionResult,
} from '../worker/projection/client';
import type { ProjectionMethod } from '../worker/projection/protocol';

/** Layouts kept for the epoch slider (about 120 kB each at 10,000 points in 3D). */
export const MAX_LAYOUTS = 100;

/** What the controller needs of the projection worker (ProjectionClient; tests pass a fake). */
export interface Projector {
  project(
    req: ProjectionInput,
    onProgress?: (p: ProjectionProgress) => void,
  ): Promise<ProjectionResult>;
  cancel(): void;
  dispose(): void;
  /** The share of the wall clock the worker may compute (see ShareRequest). */
  setShare?(share: number): void;
}

export class ProjectionController {
  private readonly projector: Projector;
  /** The last finished layout, which the next one is rotated onto so points move, not jump. */
  private lastLayout: {
    method: ProjectionMethod;
    coords: Float32Array;
    laidOut: Int32Array | null;
  } | null = null;
  /** A live layout asked for while one was running: started when that one ends. */
  private pendingLive = false;
  /**
   * The last sample of the points (`stratifiedSample`): the same for every epoch of a data set
   * and point budget, and at 221,000 points a fifth of a second of the page's time to draw.
   */
  private sample: { dataset: Dataset; key: string; points: Int32Array } | null = null;

  constructor(
    private readonly store: Store<LabState>,
    private readonly reportError: (source: string, message: string) => void,
    projector?: Projector,
  ) {
    this.projector = projector ?? new ProjectionClient();
  }

  /** A new data set: the running layout stops and the next starts unaligned. */
  reset(): void {
    this.projector.cancel();
    this.lastLayout = null;
  }

  dispose(): void {
    this.projector.dispose();
  }

  setProjection(method: ProjectionMethod, dims: 2 | 3): void {
    this.store.set((s) => ({ projection: { ...s.projection, method, dims } }));
  }

  setProjectionParams(patch: Partial<ProjectionState['params']>): void {
    this.store.set((s) => ({
      projection: { ...s.projection, params: { ...s.projection.params, ...patch } },
    }));
  }

  setColorBy(colorBy: ColorBy): void {
    this.store.set({ colorBy });
  }

  /** The size above which layouts use a stratified sample. */
  setMaxPoints(maxPoints: number): void {
    this.store.set((s) => ({ projection: { ...s.projection, maxPoints } }));
  }

  /** Stops a running projection; the map keeps the last layout drawn. */
  cancelProjection(): void {
    if (this.store.get().projection.status !== 'running') return;
    this.projector.cancel();
    this.store.set((s) => ({
      projection: { ...s.projection, status: s.projection.coords ? 'done' : 'idle', fraction: 0 },
    }));
  }

  /** Lays out only these points (e.g. the highlighted ones), or all again with null. */
  isolate(points: number[] | null): void {
    const isolate = points && points.length >= 2 ? Int32Array.from(points).sort() : null;
    this.store.set((s) => ({ projection: { ...s.projection, isolate } }));
    void this.project();
  }

  /** Shows a stored layout (an index into `projection.history`), or null for the latest. */
  replayLayout(index: number | null): void {
    this.store.set((s) => {
      const h = s.projection.history;
      const valid = index !== null && index >= 0 && index < h.length - 1;
      return { projection: { ...s.projection, replay: valid ? index : null } };
    });
  }

  /** How much of the wall clock the projection worker may compute (projection-share.ts). */
  setShare(share: number): void {
    this.projector.setShare?.(share);
  }

  /**
   * A live re-projection during training: it does not supersede a running layout (which would
   * throw away its neighbour graph and epochs, and under a training share might never finish);
   * the latest embeddings are laid out once the running layout ends.
   */
  projectLive(): void {
    if (this.store.get().projection.status === 'running') this.pendingLive = true;
    else void this.project();
  }

  /**
   * Draws the sample the next layout of the current embeddings lays out, when they are above
   * the point budget: called a task ahead of a live layout, so that the draw and the layout's
   * input each take a task of their own (at 221,000 points, 0.1-0.3 s each).
   */
  prepareLayout(): void {
    const { embeddings, projection, dataset } = this.store.get();
    if (!embeddings || !dataset || projection.isolate) return;
    const space = pointSpace(dataset, embeddings);
    if (pointCount(space) > projection.maxPoints)
      this.sampled(dataset, space, projection.maxPoints);
  }

  /** `size` of the space's points, stratified (subset.ts), drawn once per data set and size. */
  private sampled(dataset: Dataset, space: PointSpace, size: number): Int32Array {
    const key = [space.items, space.users, space.features, size].join('|');
    if (this.sample?.dataset !== dataset || this.sample.key !== key) {
      const points = stratifiedSample(space, popularity(dataset, space), size, 42);
      this.sample = { dataset, key, points };
    }
    return this.sample.points;
  }

  /** Lays out the latest embeddings; a newer request supersedes a running one. */
  async project(): Promise<void> {
    this.pendingLive = false;
    await this.layout();
    // Not after a cancelled or superseded layout: its successor clears the flag first.
    if (this.pendingLive && this.store.get().projection.status !== 'running') void this.project();
  }

  private async layout(): Promise<void> {
    const { embeddings, projection, dataset } = this.store.get();
    if (!embeddings || !dataset) return;
    const { method, dims } = projection;
    const space = pointSpace(dataset, embeddings);
    const n = pointCount(space);
    // The points laid out: an isolated selection, a sample above the size limit, or all.
    const isolated = projection.isolate?.every((p) => p < n) ? projection.isolate : null;
    const laidOut =
      isolated ??
      (n > projection.maxPoints ? this.sampled(dataset, space, projection.maxPoints) : null);
    const m = laidOut?.length ?? n;
    const input = projectionInput(embeddings, space, laidOut);
    const spread = (c: Float32Array) => (laidOut ? spreadLayout(c, laidOut, n, dims) : c);
    // Align to the last finished layout (not an intermediate one) of the same points and method.
    const prev = this.lastLayout;
    const align =
      prev &&
      prev.method === method &&
      prev.coords.length === m * dims &&
      sameSubset(prev.laidOut, laidOut)
        ? prev.coords
        : null;
    this.store.set((s) => ({
      projection: {
        ...s.projection,
        status: 'running',
        phase: 'starting',
        fraction: 0,
        error: null,
      },
    }));
    try {
      const result = await this.projector.project(
        {
          method,
          dims,
          data: input,
          n: m,
          d: embeddings.dim,
          params: { ...projection.params, seed: 42 },
          align,
        },
        (p) =>
          this.store.set((s) => ({
            projection: {
              ...s.projection,
              phase: p.phase,
              fraction: p.fraction,
              ...(p.coords
                ? {
                    coords: spread(p.coords),
                    space,
                    laidOut,
                    coordsDims: dims,
                    epoch: embeddings.epoch,
                  }
                : {}),
            },
          })),
      );
      this.lastLayout = { method, coords: result.coords, laidOut };
      const coords = spread(result.coords);
      const record = { epoch: embeddings.epoch, method, dims, coords, space, laidOut };
      this.store.set((s) => ({
        projection: {
          ...s.projection,
          history: [...s.projection.history.filter((h) => h.epoch !== record.epoch), record].slice(
            -MAX_LAYOUTS,
          ),
          replay: null,
          status: 'done',
          fraction: 1,
          coords,
          space,
          laidOut,
          coordsDims: dims,
          epoch: embeddings.epoch,
          ms: result.ms,
          explained: result.explained ?? null,
        },
      }));
    } catch (e) {
      if (e instanceof ProjectionCancelledError) return;
      const message = e instanceof Error ? e.message : String(e);
      this.store.set((s) => ({ projection: { ...s.projection, status: 'error', error: message } }));
      this.reportError('projection', message);
    }
  }
}
