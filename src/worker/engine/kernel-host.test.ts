import { describe, expect, it } from 'vitest';
import { allocateRowState, type RowShape } from '../../core/engines/row-state';
import { kernelHost } from './kernel-host';
import type { KernelEvent } from './protocol';

const shape: RowShape = {
  users: 4,
  items: 3,
  userDays: 0,
  dim: 2,
  rows: 6,
  batch: 2,
  pairwise: false,
  workers: 1,
  slots: 0,
  jobSteps: 1,
};
const params = { mean: 3, l2: 0, optimizer: 0 };
const job = { firstStep: 1, steps: 0, stepInEpoch: 0, uniforms: [] };

describe('kernel host (one thread of the row engine)', () => {
  it('runs jobs after init, and after release lets go of the memory until the next init', () => {
    const events: KernelEvent[] = [];
    const handle = kernelHost((e) => events.push(e), 'test thread');
    const first = allocateRowState(shape, false);
    handle({ type: 'init', shape, params, buffers: first.buffers, worker: 0 });
    handle({ type: 'run', job });
    expect(events).toEqual([{ type: 'done' }]);
    expect(first.i32.control[2]).toBe(1);

    handle({ type: 'release' });
    handle({ type: 'run', job });
    expect(events[1]).toEqual({ type: 'error', message: 'test thread: run before init' });

    // A kept worker serves the next executor's memory, not the released one's.
    const second = allocateRowState(shape, false);
    handle({ type: 'init', shape, params, buffers: second.buffers, worker: 0 });
    handle({ type: 'run', job });
    expect(events[2]).toEqual({ type: 'done' });
    expect(second.i32.control[2]).toBe(1);
    expect(first.i32.control[2]).toBe(1);
  });
});
