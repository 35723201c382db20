/**
 * Projection benchmark: the app's UMAP, driven by the projection worker's session exactly as the app
 * drives it, beside umap-js run alone on the same points, both to 3D. Times are wall clock in this
 * worker: "first layout" is when the first drawable coordinates exist, "finished" when the final
 * layout does. Quality is read off each final layout (see core/projection/quality.ts).
 */
import { UMAP } from 'umap-js';
import { ProjectionSession } from '../../src/worker/projection/session';
import type { ProjectionResponse } from '../../src/worker/projection/protocol';
import { plantedClusters } from '../../src/core/projection/planted';
import { exactKnn, unitRows } from '../../src/core/projection/knn';
import { defaultEpochs } from '../../src/core/projection/umap';
import { labelPurity, neighbourRecall } from '../../src/core/projection/quality';
import { mulberry32 } from '../../src/core/util/random';
import type { ProjectionRow } from './protocol';

export interface ProjectionCase {
  name: string;
  n: number;
  d: number;
  /** Within-cluster noise of the planted clusters (see plantedClusters). */
  noise: number;
  /** Also time umap-js alone (about 20 s at 10k points on the bench machine). */
  umapJs: boolean;
}

const DIMS = 3;
const SEED = 42;
/** Label purity is over each point's 10 nearest layout neighbours; recall over its 14 (k = 15). */
const PURITY_K = 10;
const RECALL_K = 15;

export async function runProjectionCase(c: ProjectionCase): Promise<ProjectionRow[]> {
  const { data, label, n, d } = plantedClusters({ n: c.n, d: c.d, noise: c.noise, seed: 1 });
  const unit = unitRows(data, n, d);
  // The reference neighbours for recall: exact cosine neighbours, the point itself included.
  const knn = exactKnn(unit, n, d, RECALL_K);
  const score = (coords: Float32Array) => ({
    purity: labelPurity(coords, n, DIMS, label, PURITY_K),
    recall: neighbourRecall(coords, DIMS, knn),
  });
  const base = { case: c.name, n, d, dims: DIMS };

  const ours = await timeSession(data, n, d);
  const rows: ProjectionRow[] = [
    { ...base, method: 'app (session)', epochs: ours.epochs, ...ours.times, ...score(ours.coords) },
  ];
  if (c.umapJs) {
    const alone = timeUmapJs(unit, n, d);
    rows.push({
      ...base,
      method: 'umap-js alone',
      epochs: alone.epochs,
      ...alone.times,
      ...score(alone.coords),
    });
  }
  return rows;
}

/** The projection session with its default slicing, as projection.worker.ts runs it. */
function timeSession(data: Float32Array, n: number, d: number) {
  return new Promise<{
    coords: Float32Array;
    epochs: number;
    times: { firstLayoutMs: number; finishedMs: number };
  }>((resolve, reject) => {
    let first: number | null = null;
    const t0 = performance.now();
    const session = new ProjectionSession((msg: ProjectionResponse) => {
      if (msg.type === 'error') reject(new Error(msg.message));
      if ((msg.type === 'progress' && msg.coords) || msg.type === 'done') {
        first ??= performance.now() - t0;
      }
      if (msg.type === 'done') {
        resolve({
          coords: msg.coords,
          // The session does not report epochs; no nEpochs is passed, so it ran the default.
          epochs: defaultEpochs(n),
          times: { firstLayoutMs: first ?? 0, finishedMs: performance.now() - t0 },
        });
      }
    });
    // A copy: the session reads the data in place and the caller scores against the original.
    session.handle({
      type: 'project',
      id: 1,
      method: 'umap',
      dims: DIMS,
      data: data.slice(),
      n,
      d,
      params: { seed: SEED },
    });
  });
}

/**
 * umap-js 1.4 with its defaults (RP-forest + NN-descent neighbours, random initial layout, epochs
 * by n) on unit rows with cosine distance 1 - dot, through its step API. Its first coordinates
 * exist once initializeFit returns (a uniformly random cloud at that point).
 */
function timeUmapJs(unit: Float32Array, n: number, d: number) {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(unit.subarray(i * d, i * d + d)));
  const t0 = performance.now();
  const umap = new UMAP({
    nComponents: DIMS,
    random: mulberry32(SEED),
    distanceFn: (x: number[], y: number[]) => {
      let s = 0;
      for (let a = 0; a < x.length; a++) s += x[a] * y[a];
      return Math.max(0, 1 - s);
    },
  });
  const epochs = umap.initializeFit(rows);
  const firstLayoutMs = performance.now() - t0;
  for (let e = 0; e < epochs; e++) umap.step();
  const finishedMs = performance.now() - t0;
  const embedding = umap.getEmbedding();
  const coords = new Float32Array(n * DIMS);
  for (let i = 0; i < n; i++) for (let c = 0; c < DIMS; c++) coords[i * DIMS + c] = embedding[i][c];
  return { coords, epochs, times: { firstLayoutMs, finishedMs } };
}
