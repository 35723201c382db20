import { describe, expect, it } from 'vitest';
import { ProjectionCancelledError, ProjectionClient, type WorkerLike } from './client';
import { ProjectionSession } from './session';
import type { ProjectionRequest, ProjectionResponse } from './protocol';
import { mulberry32, normalArray } from '../../core/util/random';

/** Runs the session in-process behind a Worker-shaped object. */
class FakeWorker implements WorkerLike {
  onmessage: ((ev: MessageEvent<ProjectionResponse>) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  terminated = false;
  private readonly session = new ProjectionSession((msg) =>
    this.onmessage?.({ data: msg } as MessageEvent<ProjectionResponse>),
  );
  postMessage(msg: ProjectionRequest): void {
    this.session.handle(msg);
  }
  terminate(): void {
    this.terminated = true;
  }
}

const input = (nEpochs: number) => ({
  method: 'umap' as const,
  dims: 2 as const,
  data: normalArray(60 * 4, 1, mulberry32(1)),
  n: 60,
  d: 4,
  params: { nEpochs },
});

describe('ProjectionClient', () => {
  it('resolves with the result and reports progress', async () => {
    const client = new ProjectionClient(new FakeWorker());
    const fractions: number[] = [];
    const r = await client.project(input(30), (p) => fractions.push(p.fraction));
    expect(r.coords.length).toBe(120);
    expect(fractions.length).toBeGreaterThan(1);
  });

  it('rejects a superseded request with ProjectionCancelledError', async () => {
    const client = new ProjectionClient(new FakeWorker());
    const first = client.project(input(3000));
    const second = client.project(input(20));
    await expect(first).rejects.toBeInstanceOf(ProjectionCancelledError);
    await expect(second).resolves.toHaveProperty('coords');
  });

  it('cancels, surfaces worker errors, and terminates on dispose', async () => {
    const worker = new FakeWorker();
    const client = new ProjectionClient(worker);
    const p = client.project(input(3000));
    client.cancel();
    await expect(p).rejects.toBeInstanceOf(ProjectionCancelledError);
    await expect(client.project({ ...input(10), n: 61 })).rejects.toThrow(/not 61x4/);
    const q = client.project(input(3000));
    worker.onerror?.({ message: 'boom' } as ErrorEvent);
    await expect(q).rejects.toThrow(/boom/);
    client.dispose();
    expect(worker.terminated).toBe(true);
  });
});
