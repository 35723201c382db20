import { describe, expect, it } from 'vitest';
import { ProjectionSession } from './session';
import type { ProjectRequest, ProjectionResponse } from './protocol';
import { UmapRunner } from '../../core/projection/umap';
import { mulberry32, normalArray } from '../../core/util/random';

function clusters(n: number, d: number, seed: number): Float32Array {
  const data = normalArray(n * d, 0.2, mulberry32(seed));
  for (let i = 0; i < n; i++) data[i * d + (i % 3)] += 3;
  return data;
}

/** A session whose messages are recorded; `until` resolves when a message matches. */
function harness(sliceMs = 1) {
  const messages: ProjectionResponse[] = [];
  const transfers: ArrayBuffer[][] = [];
  const waiters: {
    test: (m: ProjectionResponse) => boolean;
    resolve: (m: ProjectionResponse) => void;
  }[] = [];
  const session = new ProjectionSession(
    (msg, transfer) => {
      messages.push(msg);
      transfers.push(transfer);
      for (const w of waiters.splice(0)) {
        if (w.test(msg)) w.resolve(msg);
        else waiters.push(w);
      }
    },
    { sliceMs },
  );
  const until = (test: (m: ProjectionResponse) => boolean) =>
    new Promise<ProjectionResponse>((resolve) => waiters.push({ test, resolve }));
  return { session, messages, transfers, until };
}

function request(id: number, over: Partial<ProjectRequest> = {}): ProjectRequest {
  const n = 90;
  const d = 6;
  return {
    type: 'project',
    id,
    method: 'umap',
    dims: 3,
    data: clusters(n, d, 1),
    n,
    d,
    params: { nEpochs: 60, seed: 3 },
    ...over,
  };
}

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('ProjectionSession', () => {
  it('answers PCA with explained variance and transfers the result', async () => {
    const h = harness();
    h.session.handle(request(1, { method: 'pca', dims: 2 }));
    const done = await h.until((m) => m.type === 'done');
    if (done.type !== 'done') throw new Error('unreachable');
    expect(done.coords.length).toBe(90 * 2);
    expect(done.explained?.length).toBe(2);
    expect(Math.max(...done.coords.map(Math.abs))).toBeCloseTo(1, 6);
    expect(h.transfers.at(-1)).toEqual([done.coords.buffer]);
  });

  it('runs UMAP in slices with rising progress, snapshots, and the runner’s exact result', async () => {
    const h = harness();
    const req = request(1);
    const direct = new UmapRunner(req.data.slice(), req.n, req.d, {
      dims: 3,
      nEpochs: 60,
      seed: 3,
    });
    direct.initialize();
    direct.step(60);
    h.session.handle(req);
    const done = await h.until((m) => m.type === 'done');
    if (done.type !== 'done') throw new Error('unreachable');
    expect(Array.from(done.coords)).toEqual(Array.from(direct.embedding()));
    const progress = h.messages.filter((m) => m.type === 'progress');
    expect(progress[0]).toMatchObject({ phase: 'neighbours', fraction: 0 });
    const fractions = progress.map((m) => m.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    const snapshots = progress.filter((m) => m.coords);
    expect(snapshots.length).toBeGreaterThanOrEqual(3);
    expect(snapshots.length).toBeLessThanOrEqual(10);
    for (const s of snapshots) expect(s.coords?.length).toBe(90 * 3);
  });

  it('sends the layout UMAP starts from first, before the neighbour graph is built', async () => {
    const h = harness();
    const req = request(1);
    const direct = new UmapRunner(req.data.slice(), req.n, req.d, { dims: 3, seed: 3 });
    h.session.handle(req);
    await h.until((m) => m.type === 'done');
    const first = h.messages[0];
    expect(first).toMatchObject({ type: 'progress', phase: 'neighbours', fraction: 0 });
    if (first.type !== 'progress' || !first.coords) throw new Error('no starting layout');
    expect(Array.from(first.coords)).toEqual(Array.from(direct.initialLayout()));
  });

  it('lets the latest request win', async () => {
    const h = harness();
    h.session.handle(request(1, { params: { nEpochs: 5000 } }));
    await h.until((m) => m.id === 1 && m.type === 'progress' && m.fraction > 0.3);
    h.session.handle(request(2, { method: 'pca' }));
    await h.until((m) => m.id === 2 && m.type === 'done');
    await tick();
    expect(h.messages.some((m) => m.id === 1 && m.type === 'done')).toBe(false);
    expect(h.messages.at(-1)).toMatchObject({ id: 2, type: 'done' });
  });

  it('skips a request superseded before it started', async () => {
    const h = harness();
    h.session.handle(request(1));
    h.session.handle(request(2, { method: 'pca' }));
    await h.until((m) => m.type === 'done');
    await tick();
    expect(h.messages.every((m) => m.id === 2)).toBe(true);
  });

  it('stops on cancel and sends nothing more', async () => {
    const h = harness();
    h.session.handle(request(1, { params: { nEpochs: 5000 } }));
    await h.until((m) => m.type === 'progress' && m.fraction > 0.3);
    h.session.handle({ type: 'cancel', id: 1 });
    await tick();
    const count = h.messages.length;
    await tick();
    expect(h.messages.length).toBe(count);
    expect(h.messages.some((m) => m.type === 'done')).toBe(false);
  });

  it('aligns to a previous layout', async () => {
    const h = harness();
    h.session.handle(request(1, { method: 'pca' }));
    const first = await h.until((m) => m.type === 'done');
    if (first.type !== 'done') throw new Error('unreachable');
    // Same data with axes negated: PCA alone could flip, alignment must bring it back.
    const flipped = request(2, { method: 'pca', align: first.coords.slice() });
    for (let j = 0; j < flipped.data.length; j++) flipped.data[j] = -flipped.data[j];
    h.session.handle(flipped);
    const second = await h.until((m) => m.type === 'done' && m.id === 2);
    if (second.type !== 'done') throw new Error('unreachable');
    second.coords.forEach((v, j) => expect(v).toBeCloseTo(first.coords[j], 4));
  });

  it('falls back for tiny inputs and reports bad shapes as errors', async () => {
    const h = harness();
    h.session.handle(request(1, { n: 5, data: clusters(5, 6, 2) }));
    const tiny = await h.until((m) => m.type === 'done');
    expect(tiny.type === 'done' && tiny.coords.length).toBe(15);
    h.session.handle(request(2, { n: 7 }));
    const err = await h.until((m) => m.type === 'error');
    expect(err).toMatchObject({ type: 'error', id: 2 });
    expect(err.type === 'error' && err.message).toMatch(/not 7x6/);
  });

  it('runs t-SNE with progress and intermediate layouts, and says when identity cannot apply', async () => {
    const h = harness();
    h.session.handle(request(7, { method: 'tsne', dims: 2, params: { perplexity: 10 } }));
    const done = await h.until((m) => m.type === 'done' && m.id === 7);
    if (done.type !== 'done') throw new Error('unreachable');
    expect(done.coords).toHaveLength(90 * 2);
    expect(done.coords.every(Number.isFinite)).toBe(true);
    const progress = h.messages.filter((m) => m.type === 'progress');
    expect(progress.some((m) => m.type === 'progress' && m.coords)).toBe(true);
    const fractions = progress.map((m) => (m.type === 'progress' ? m.fraction : 0));
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);

    h.session.handle(request(8, { method: 'identity' }));
    const error = await h.until((m) => m.id === 8);
    expect(error).toMatchObject({ type: 'error', message: expect.stringMatching(/3 or fewer/) });
  });

  it('lays out a 2-d embedding by identity in 3D (third axis 0), and PCA from a chosen component', async () => {
    const h = harness();
    const data = Float32Array.from([0, 1, 2, 3, 4, 5]);
    h.session.handle(request(9, { method: 'identity', data, n: 3, d: 2, dims: 3 }));
    const done = await h.until((m) => m.id === 9);
    if (done.type !== 'done') throw new Error('unreachable');
    expect(Array.from(done.coords, (v) => +v.toFixed(3))).toEqual([
      0, 0.2, 0, 0.4, 0.6, 0, 0.8, 1, 0,
    ]);

    h.session.handle(request(10, { method: 'pca', dims: 2, params: { firstComponent: 2 } }));
    const pca = await h.until((m) => m.id === 10);
    if (pca.type !== 'done') throw new Error('unreachable');
    // Components 2 and 3 of 6: two shares, each below the first component's.
    expect(pca.explained).toHaveLength(2);
    expect(pca.coords).toHaveLength(90 * 2);
  });
  it('rests between slices below a full share, in proportion, and lays out the same points', async () => {
    // A clock that ticks 1 ms a reading makes each slice's length known.
    let clock = 0;
    const rests: number[] = [];
    const run = (share: number) =>
      new Promise<Float32Array>((resolve) => {
        const session = new ProjectionSession(
          (msg) => {
            if (msg.type === 'done') resolve(msg.coords);
          },
          {
            sliceMs: 4,
            now: () => clock++,
            sleep: (fn, ms) => {
              rests.push(ms);
              setTimeout(fn, 0);
            },
          },
        );
        session.handle({ type: 'share', share });
        session.handle(request(1));
      });
    const full = await run(1);
    expect(rests).toEqual([]);
    const quarter = await run(0.25);
    expect(rests.length).toBeGreaterThan(3);
    // A slice of t ms is followed by 3t ms of rest (share 1/4), and a slice is at least 4 ms.
    for (const ms of rests) expect(ms).toBeGreaterThanOrEqual(12);
    expect(Array.from(quarter)).toEqual(Array.from(full));
  });
});
