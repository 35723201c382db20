import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBatcher } from './event-batcher';

type E = { type: 'progress' | 'epoch' | 'done'; n: number };

describe('EventBatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const got: number[][] = [];
    let task: number[] = [];
    const b = new EventBatcher<E>(
      (e) => task.push(e.n),
      (e) => e.type !== 'done',
      200,
      () => Date.now(),
    );
    const push = (e: E) => {
      task = [];
      b.push(e);
      if (task.length) got.push(task);
    };
    const tick = (ms: number) => {
      task = [];
      vi.advanceTimersByTime(ms);
      if (task.length) got.push(task);
    };
    return { b, got, push, tick };
  }

  it('hands the first event on at once and the burst after it together, in order', () => {
    const { got, push, tick } = setup();
    push({ type: 'epoch', n: 1 });
    push({ type: 'progress', n: 2 });
    push({ type: 'epoch', n: 3 });
    expect(got).toEqual([[1]]);
    tick(199);
    expect(got).toEqual([[1]]);
    tick(1);
    expect(got).toEqual([[1], [2, 3]]);
    // After a quiet spell the next one goes at once again.
    tick(500);
    push({ type: 'epoch', n: 4 });
    expect(got).toEqual([[1], [2, 3], [4]]);
  });

  it('an event it does not batch goes at once, after the ones waiting', () => {
    const { got, push, tick } = setup();
    push({ type: 'epoch', n: 1 });
    push({ type: 'epoch', n: 2 });
    push({ type: 'done', n: 3 });
    expect(got).toEqual([[1], [2, 3]]);
    tick(1000);
    expect(got).toEqual([[1], [2, 3]]);
  });

  it('drops what waits when disposed', () => {
    const { b, got, push, tick } = setup();
    push({ type: 'epoch', n: 1 });
    push({ type: 'epoch', n: 2 });
    b.dispose();
    tick(1000);
    expect(got).toEqual([[1]]);
  });

  it('spaces the batches so that handling them takes at most a quarter of the time (200 ms to 1 s)', () => {
    const got: number[] = [];
    // Each event takes the page `cost` ms to handle.
    let cost = 0;
    const b = new EventBatcher<E>(
      (e) => {
        got.push(e.n);
        vi.setSystemTime(Date.now() + cost);
      },
      (e) => e.type !== 'done',
      200,
      () => Date.now(),
    );
    cost = 100;
    b.push({ type: 'epoch', n: 1 });
    vi.advanceTimersByTime(1);
    expect(b.wait).toBe(400);
    cost = 10;
    b.push({ type: 'epoch', n: 2 });
    vi.advanceTimersByTime(298);
    expect(got).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(got).toEqual([1, 2]);
    // A cheap batch brings the interval back down to 200 ms; a costly one is capped at 1 s.
    vi.advanceTimersByTime(1);
    expect(b.wait).toBe(200);
    cost = 5000;
    vi.advanceTimersByTime(200);
    b.push({ type: 'epoch', n: 3 });
    expect(got).toEqual([1, 2, 3]);
    vi.advanceTimersByTime(1);
    expect(b.wait).toBe(1000);
  });
});
