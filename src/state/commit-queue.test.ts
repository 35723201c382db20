import { describe, expect, it } from 'vitest';
import { CommitQueue } from './commit-queue';

/** A writer that records when each write starts and lets the test finish it. */
function recorder() {
  const started: string[] = [];
  const finish: (() => void)[] = [];
  const fail: ((e: Error) => void)[] = [];
  const write = (key: string, value: number) => {
    started.push(`${key}=${value}`);
    return new Promise<void>((resolve, reject) => {
      finish.push(resolve);
      fail.push(reject);
    });
  };
  return { started, finish, fail, write };
}

describe('CommitQueue', () => {
  it('starts a write in the same tick it is asked for', () => {
    const r = recorder();
    const q = new CommitQueue(r.write, () => undefined);
    q.put('session', 1);
    expect(r.started).toEqual(['session=1']);
    q.put('session', 2);
    // Writes in flight are not merged: IndexedDB stores them in the order they started.
    expect(r.started).toEqual(['session=1', 'session=2']);
  });

  it('holds later writes behind a pending one, keeping the latest value of each key', async () => {
    const r = recorder();
    const q = new CommitQueue(r.write, () => undefined);
    let fits!: (v: number) => void;
    q.putAfter('dataset', new Promise<number>((resolve) => (fits = resolve)));
    q.put('session', 1);
    q.put('other', 7);
    q.put('session', 2);
    expect(r.started).toEqual([]);
    fits(0);
    await Promise.resolve();
    await Promise.resolve();
    expect(r.started).toEqual(['dataset=0', 'session=2', 'other=7']);
  });

  it('flush resolves only when every write is stored', async () => {
    const r = recorder();
    const q = new CommitQueue(r.write, () => undefined);
    q.put('a', 1);
    q.put('b', 2);
    let flushed = false;
    const f = q.flush().then(() => (flushed = true));
    r.finish[0]();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(flushed).toBe(false);
    r.finish[1]();
    await f;
    expect(flushed).toBe(true);
  });

  it('reports the first failure once and drops what follows', async () => {
    const r = recorder();
    const errors: string[] = [];
    const q = new CommitQueue(r.write, (e) => errors.push(e.message));
    q.putAfter('dataset', Promise.reject(new Error('over the quota')));
    q.put('session', 1);
    await q.flush();
    await new Promise((resolve) => setTimeout(resolve, 0));
    q.put('session', 2);
    expect(errors).toEqual(['over the quota']);
    expect(r.started).toEqual([]);
    expect(q.failed).toBe(true);
  });
});
