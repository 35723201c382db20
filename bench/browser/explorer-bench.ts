/**
 * The explorer's benchmarks, on the page (they need a canvas and WebGL): frame time of the map
 * with 100,000 points while the camera orbits and the cursor hovers, and exact neighbour queries
 * over 100,000 embeddings (what a click on a point runs).
 */
import { EmbeddingScene, webglRenderer } from '../../src/scene/EmbeddingScene';
import { nearest } from '../../src/core/projection/neighbours';
import { mulberry32, normalArray } from '../../src/core/util/random';

export interface FrameBenchResult {
  /** The WebGL renderer that drew the frames. */
  renderer: string | null;
  points: number;
  frames: number;
  /** Mean and 95th percentile of draw + GPU finish per frame, ms. */
  meanMs: number;
  p95Ms: number;
  /** Hover picking (nearest drawn point to the cursor), mean ms per frame. */
  pickMs: number;
  /** 1000 / (mean frame + pick): frames a second with hover on every frame. */
  fps: number;
}

export interface NeighbourBenchResult {
  points: number;
  dim: number;
  k: number;
  queries: number;
  meanMs: number;
  maxMs: number;
}

/** Points in clusters (a layout's look), n x 3. */
function clusteredPositions(n: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const centres = normalArray(60 * 3, 0.6, random);
  const noise = normalArray(n * 3, 0.08, random);
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(random() * 60);
    for (let a = 0; a < 3; a++) out[i * 3 + a] = centres[c * 3 + a] + noise[i * 3 + a];
  }
  return out;
}

const percentile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

export async function frameTimeBench(points = 100_000, frames = 60): Promise<FrameBenchResult> {
  const canvas = document.createElement('canvas');
  canvas.style.cssText = 'width: 1280px; height: 720px; display: block';
  document.body.append(canvas);
  const scene = new EmbeddingScene(canvas);
  try {
    await new Promise((r) => requestAnimationFrame(r));
    scene.resize();
    scene.setPoints(clusteredPositions(points, 1), 3);
    const random = mulberry32(2);
    const colors = Float32Array.from({ length: points * 3 }, () => 0.3 + 0.7 * random());
    scene.setColors(colors);
    scene.setShapes(Uint8Array.from({ length: points }, (_, i) => i % 3));
    scene.renderNow(); // first frame: shader compilation, buffer uploads
    const draw: number[] = [];
    const pick: number[] = [];
    for (let f = 0; f < frames; f++) {
      scene.orbit(f % 20 < 10 ? 'ArrowLeft' : 'ArrowUp');
      let t0 = performance.now();
      scene.renderNow();
      draw.push(performance.now() - t0);
      t0 = performance.now();
      scene.pick(200 + ((f * 37) % 880), 100 + ((f * 23) % 520));
      pick.push(performance.now() - t0);
    }
    const meanMs = draw.reduce((a, b) => a + b, 0) / frames;
    const pickMs = pick.reduce((a, b) => a + b, 0) / frames;
    return {
      renderer: webglRenderer().name,
      points,
      frames,
      meanMs,
      p95Ms: percentile(draw, 0.95),
      pickMs,
      fps: 1000 / (meanMs + pickMs),
    };
  } finally {
    scene.dispose();
    canvas.remove();
  }
}

export function neighbourBench(
  points = 100_000,
  dim = 32,
  k = 10,
  queries = 20,
): NeighbourBenchResult {
  const random = mulberry32(3);
  const vectors = normalArray(points * dim, 1, random);
  const times: number[] = [];
  for (let q = 0; q < queries; q++) {
    const row = Math.floor(random() * points);
    const query = vectors.slice(row * dim, (row + 1) * dim);
    const t0 = performance.now();
    nearest(
      vectors,
      points,
      dim,
      query,
      k,
      q % 3 === 0 ? 'euclidean' : q % 3 === 1 ? 'dot' : 'cosine',
      (i) => i === row,
    );
    times.push(performance.now() - t0);
  }
  return {
    points,
    dim,
    k,
    queries,
    meanMs: times.reduce((a, b) => a + b, 0) / queries,
    maxMs: Math.max(...times),
  };
}
