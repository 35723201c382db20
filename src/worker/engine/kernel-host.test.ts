import { describe, expect, it } from 'vitest';
import { allocateRowState, type RowShape } from '../../core/engines/row-state';
import { kernelHost } from './kernel-host';
import type { KernelEvent } from './protocol';
import type { RowExecutorFactory } from '../../core/engines/types';
import { RowEngineTrainer } from '../../core/engines/row-trainer';
import { serialExecutor } from '../../core/engines/serial';
import { data, maxDiff, small, tables } from '../../core/engines/row-test-cases';

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

  it('runs jobs on one thread while narrowWhile says so, to the same tables and losses', async () => {
    const d = data(50, 40, true);
    // Wide jobs as the serial executor runs them; narrow ones through a kernel thread's
    // 'run-all' (runJobAlone), over the same memory.
    const asked: boolean[] = [];
    const hosted: RowExecutorFactory = async (shape, params) => {
      const ex = await serialExecutor()(shape, params);
      const events: KernelEvent[] = [];
      const host = kernelHost((e) => events.push(e), 'test thread');
      host({ type: 'init', shape, params, buffers: ex.state.buffers, worker: 0 });
      return {
        ...ex,
        run: async (job, narrow = false) => {
          asked.push(narrow);
          if (!narrow) return ex.run(job);
          host({ type: 'run-all', job });
          expect(events.pop()).toEqual({ type: 'done' });
          return ex.state.f64.loss.reduce((a, b) => a + b, 0);
        },
      };
    };
    const run = async (
      factory: RowExecutorFactory,
      busy: (job: number) => boolean,
      narrowable = true,
    ) => {
      const t = await RowEngineTrainer.create(d, { ...small, batchSize: 16 }, factory, 3, {
        narrowable,
      });
      let jobs = 0;
      t.narrowWhile(() => busy(jobs++));
      const losses: number[] = [];
      for (let k = 0; k < 6; k++) {
        for (let s = 0; s < 3; s++) t.step();
        losses.push((await t.takeLoss())!.loss);
      }
      await t.writeModel();
      const out = { tables: await tables(t), losses };
      t.dispose();
      return out;
    };
    const plain = await run(serialExecutor(), () => false);
    const mixed = await run(hosted, (job) => job % 2 === 1);
    expect(asked).toEqual([false, true, false, true, false, true]);
    expect(maxDiff(mixed.tables, plain.tables)).toBe(0);
    expect(mixed.losses).toEqual(plain.losses);
    // An engine not made narrowable keeps its threads whatever the map does.
    asked.length = 0;
    await run(hosted, () => true, false);
    expect(asked).toEqual([false, false, false, false, false, false]);
  });
});
