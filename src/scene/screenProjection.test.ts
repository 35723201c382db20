import { describe, expect, it } from 'vitest';
import { Matrix4, PerspectiveCamera, Vector3 } from 'three';
import {
  boundingSphere,
  pickNearest,
  projectPoint,
  select,
  toXYZ,
  type PickInput,
} from './screenProjection';

function view(): { m: Matrix4; camera: PerspectiveCamera } {
  const camera = new PerspectiveCamera(45, 800 / 600, 0.01, 100);
  camera.position.set(1, 0.5, 3);
  camera.lookAt(0, 0, 0);
  camera.updateMatrixWorld();
  const m = new Matrix4().multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse);
  return { m, camera };
}

describe('projectPoint', () => {
  it('agrees with three.js Vector3.project', () => {
    const { m, camera } = view();
    const positions = Float32Array.from([0.3, -0.2, 0.5, -1, 1, -1]);
    for (let i = 0; i < 2; i++) {
      const v = new Vector3(...positions.subarray(i * 3, i * 3 + 3)).project(camera);
      const p = projectPoint(m.elements, positions, i, 800, 600);
      expect(p?.x).toBeCloseTo((v.x + 1) * 400, 3);
      expect(p?.y).toBeCloseTo((1 - v.y) * 300, 3);
    }
  });

  it('rejects points behind the camera', () => {
    const { m } = view();
    expect(projectPoint(m.elements, Float32Array.from([2, 1, 6]), 0, 800, 600)).toBeNull();
  });
});

describe('pickNearest', () => {
  const { m } = view();
  const positions = Float32Array.from([0, 0, 0, 0.02, 0, 0, 0.5, 0.5, 0]);
  const input: PickInput = {
    m: m.elements,
    positions,
    n: 3,
    width: 800,
    height: 600,
    visible: null,
    sizes: null,
  };

  it('finds the point drawn under the cursor, and nothing far away', () => {
    const p = projectPoint(m.elements, positions, 2, 800, 600)!;
    expect(pickNearest(input, p.x + 3, p.y - 2, 8)).toBe(2);
    expect(pickNearest(input, p.x + 30, p.y, 8)).toBeNull();
  });

  it('skips hidden points and honours big sprites', () => {
    const p = projectPoint(m.elements, positions, 0, 800, 600)!;
    expect(pickNearest({ ...input, visible: [0, 1, 1] }, p.x, p.y, 8)).toBe(1);
    expect(pickNearest({ ...input, visible: [1, 0, 0] }, p.x + 15, p.y, 8)).toBeNull();
    expect(pickNearest({ ...input, visible: [1, 0, 0], sizes: [40, 6, 6] }, p.x + 15, p.y, 8)).toBe(
      0,
    );
  });
});

describe('helpers', () => {
  it('toXYZ pads 2D layouts with z = 0', () => {
    expect(Array.from(toXYZ(Float32Array.from([1, 2, 3, 4]), 2, 2))).toEqual([1, 2, 0, 3, 4, 0]);
  });

  it('boundingSphere covers visible points and has a floor', () => {
    const s = boundingSphere(Float32Array.from([0, 0, 0, 2, 0, 0, 100, 0, 0]), 3, [1, 1, 0]);
    expect(s.centre).toEqual([1, 0, 0]);
    expect(s.radius).toBeCloseTo(1);
    expect(boundingSphere(new Float32Array(3), 1, null).radius).toBeGreaterThan(0);
    expect(boundingSphere(new Float32Array(0), 0, null)).toEqual({ centre: [0, 0, 0], radius: 1 });
  });

  it('boundingSphere can frame the central share of the points, leaving far islands out', () => {
    // 100 points on x in [0, 1], one island at x = 50.
    const xs = [...Array.from({ length: 100 }, (_, i) => i / 99), 50];
    const positions = Float32Array.from(xs.flatMap((x) => [x, 0, 0]));
    expect(boundingSphere(positions, 101, null).radius).toBeCloseTo(25, 5);
    const central = boundingSphere(positions, 101, null, 0.98);
    expect(central.centre[0]).toBeCloseTo(0.5, 1);
    expect(central.radius).toBeLessThan(1);
  });

  it('boundingSphere frames many points from a sample of them, and a few visible among many', () => {
    // 200,000 points uniform in a 10 x 4 x 2 box (a spread, not a grid), plus far islands.
    let seed = 11;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const n = 200_000;
    const positions = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) positions.set([random() * 10, random() * 4, random() * 2], i * 3);
    for (let i = 0; i < 100; i++) positions[i * 3] = 1000;
    const { centre, radius } = boundingSphere(positions, n, null, 0.98);
    expect(centre[0]).toBeCloseTo(5, 0);
    expect(centre[1]).toBeCloseTo(2, 0);
    expect(radius).toBeCloseTo(Math.hypot(4.9, 1.96, 0.98), 0);
    // Three visible points far apart in the index: the frame is theirs.
    const visible = new Uint8Array(n);
    for (const i of [150_001, 160_003, 190_007]) {
      visible[i] = 1;
      positions.set([100, 100, 100], i * 3);
    }
    expect(boundingSphere(positions, n, visible, 0.98).centre).toEqual([100, 100, 100]);
  });

  it('select finds each order statistic, with ties and on sorted input', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (const make of [
      () => Math.floor(random() * 20), // many ties
      (i: number) => i, // already sorted
      (i: number) => -i, // reversed
      () => random() - 0.5,
    ]) {
      const v = Float64Array.from({ length: 257 }, (_, i) => make(i));
      const sorted = v.slice().sort();
      for (const k of [0, 1, 64, 128, 200, 256]) expect(select(v.slice(), k)).toBe(sorted[k]);
    }
  });
});
