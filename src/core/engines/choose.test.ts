import { describe, expect, it } from 'vitest';
import type { ModelTrainer } from '../training/trainer';
import {
  CalibrationCancelledError,
  chooseEngine,
  droppedStepsSettled,
  measureDeadline,
  measureRows,
  type EngineCandidate,
  type Measured,
} from './choose';
import type { EngineName } from './types';

/**
 * A trainer whose every step busy-waits `ms` (its speed is all the calibration sees), or with
 * `gpuMs` returns at once and lets its loss read wait that long, as a GPU queue does.
 */
function fake(
  ms: number,
  made: { count: number; steps?: number },
  gpuMs = 0,
  batchRows = 1000,
): () => Promise<ModelTrainer> {
  return async () => {
    made.count++;
    let steps = 0;
    let disposed = false;
    return {
      batchRows,
      stepsPerEpoch: 100,
      epochs: 10,
      get epoch() {
        return Math.floor(steps / 100);
      },
      get stepInEpoch() {
        return steps % 100;
      },
      get totalSteps() {
        return steps;
      },
      get finished() {
        return disposed || steps >= 1000;
      },
      step() {
        const end = performance.now() + ms;
        while (performance.now() < end);
        steps++;
        made.steps = (made.steps ?? 0) + 1;
      },
      takeLoss: () => new Promise((r) => setTimeout(() => r({ loss: 1, steps: 1 }), gpuMs)),
      model: null as unknown as ModelTrainer['model'],
      evaluate: async () => ({ rmse: 1, mae: 1 }),
      rankingReport: async () => null,
      snapshot: async () => {
        throw new Error('not used');
      },
      saveCheckpoint: async () => {},
      restoreCheckpoint: async () => {},
      dispose() {
        disposed = true;
      },
    };
  };
}

/** A webgl candidate of one row a step whose loss read takes `gpuMs`, logging when it is done. */
function loggedGpu(gpuMs: number, log: string[]): EngineCandidate {
  const gpu = fake(0, { count: 0 }, gpuMs, 1);
  return {
    engine: 'webgl',
    make: async () => {
      const t = await gpu();
      const read = t.takeLoss.bind(t);
      t.takeLoss = () => read().then((r) => (log.push('gpu step done'), r));
      return t;
    },
  };
}

function candidates(slowMs: number, fastMs: number) {
  const made: Record<'slow' | 'fast', { count: number; steps?: number }> = {
    slow: { count: 0 },
    fast: { count: 0 },
  };
  const list: EngineCandidate[] = [
    { engine: 'webgl', make: fake(slowMs, made.slow) },
    { engine: 'cpu-parallel', make: fake(fastMs, made.fast), reason: '2 workers' },
  ];
  return { list, made };
}

describe('engine choice by measurement', () => {
  it('Automatic measures each engine on a throwaway trainer and takes the fastest', async () => {
    // 8x apart, so that a loaded machine's preemptions cannot bring them within 2x.
    const { list, made } = candidates(8, 1);
    const c = await chooseEngine(list, 'auto', undefined, 40);
    expect(c.engine).toBe('cpu-parallel');
    const [gl, cpu] = c.engines;
    expect(cpu.rowsPerSecond!).toBeGreaterThan(2 * gl.rowsPerSecond!);
    expect(c.engines.map((e) => e.chosen)).toEqual([false, true]);
    expect(cpu.reason).toBe('2 workers');
    // One throwaway trainer per engine, then a fresh one for the run.
    expect([made.slow.count, made.fast.count]).toEqual([1, 2]);
    expect(c.trainer.totalSteps).toBe(0);
  });

  it('an engine that uses up the throwaway trainer in its warm-up is timed on the warm-up', async () => {
    const made = { count: 0, steps: 0 };
    // Steps that take no time: the doubling groups of the warm-up reach all 1,000 steps.
    const m = await measureRows(await fake(0, made)());
    expect(made.steps).toBe(1000);
    expect(m.rowsPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(m.rowsPerSecond)).toBe(true);
  });

  it('takes the other engine when it is the faster', async () => {
    const { list } = candidates(1, 4);
    expect((await chooseEngine(list, 'auto', undefined, 40)).engine).toBe('webgl');
  });

  it('a person’s choice skips the measurement', async () => {
    const { list, made } = candidates(4, 1);
    const c = await chooseEngine(list, 'webgl');
    expect(c.engine).toBe('webgl');
    expect(c.engines.every((e) => e.rowsPerSecond === null)).toBe(true);
    expect([made.slow.count, made.fast.count]).toEqual([1, 0]);
  });

  it('an engine that cannot train the model says why and is never chosen', async () => {
    const made = { count: 0 };
    const list: EngineCandidate[] = [
      { engine: 'webgl', make: fake(1, made) },
      { engine: 'cpu-parallel', make: null, reason: 'no typed-array kernel for svdpp yet' },
    ];
    const c = await chooseEngine(list, 'cpu-parallel');
    expect(c.engine).toBe('webgl');
    expect(c.engines[1]).toEqual({
      engine: 'cpu-parallel',
      rowsPerSecond: null,
      chosen: false,
      reason: 'no typed-array kernel for svdpp yet',
    });
    expect(c.engines[0].reason).toMatch(/cpu-parallel cannot train this model/);
  });

  it('reuses measurements it was given instead of measuring again', async () => {
    const { list, made } = candidates(1, 4);
    const rates = new Map<EngineName, Measured>([
      ['webgl', { rowsPerSecond: 10, cutShort: false }],
      ['cpu-parallel', { rowsPerSecond: 1000, cutShort: false }],
    ]);
    const c = await chooseEngine(list, 'auto', rates);
    expect(c.engine).toBe('cpu-parallel');
    expect([made.slow.count, made.fast.count]).toEqual([0, 1]);
  });

  it('measures the CPU engines first, and stops one that cannot catch up at its deadline', async () => {
    // webgl: 300 ms a step on this thread, far slower than cpu-parallel's 1 ms.
    const { list, made } = candidates(300, 1);
    const c = await chooseEngine(list, 'auto', undefined, 40);
    expect(c.engine).toBe('cpu-parallel');
    const gl = c.engines.find((e) => e.engine === 'webgl')!;
    // One step (it cannot be interrupted), then dropped: a full measurement takes 2 or more.
    expect(made.slow.steps).toBe(1);
    expect(gl.rowsPerSecond!).toBeLessThan(1000 / 0.3);
    expect(gl.reason).toMatch(/could not catch up/);
    expect([made.slow.count, made.fast.count]).toEqual([1, 2]);
  });

  it('does not wait for a GPU step of an engine that cannot catch up', async () => {
    const made = { gpu: { count: 0 }, cpu: { count: 0 } };
    const list: EngineCandidate[] = [
      // One row a step: behind the leader however slowly a loaded machine runs the leader.
      { engine: 'webgl', make: fake(0, made.gpu, 20_000, 1) },
      { engine: 'cpu-parallel', make: fake(1, made.cpu) },
    ];
    const t0 = performance.now();
    const c = await chooseEngine(list, 'auto', undefined, 40);
    // The deadline (0.25 s) and then at most the leader's whole run (about 1 s here, a few on a
    // loaded machine) for the queued step: not the 20 s GPU read.
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(c.engine).toBe('cpu-parallel');
    expect(c.engines[0].reason).toMatch(/could not catch up/);
  });

  it('an engine ahead of the leader is measured to the end', async () => {
    const { list } = candidates(1, 4);
    const c = await chooseEngine(list, 'auto', undefined, 40);
    expect(c.engine).toBe('webgl');
    expect(c.engines.every((e) => !e.reason?.includes('catch up'))).toBe(true);
  });

  it('the deadline is a twentieth of the leader’s whole run, within 0.25-5 s', () => {
    expect(measureDeadline(1e6, 1e6)).toBe(250);
    expect(measureDeadline(1e6, 6e7)).toBe(3000);
    expect(measureDeadline(1e6, 1e9)).toBe(5000);
  });

  it('a cancelled calibration stops between engines and keeps what it measured', async () => {
    const { list, made } = candidates(4, 1);
    const rates = new Map<EngineName, Measured>();
    const signal = { cancelled: false };
    const first = list[1].make!;
    list[1].make = async () => {
      signal.cancelled = true; // a run is asked for while the first engine is measured
      return first();
    };
    await expect(chooseEngine(list, 'auto', rates, 40, signal)).rejects.toBeInstanceOf(
      CalibrationCancelledError,
    );
    expect([...rates.keys()]).toEqual(['cpu-parallel']);
    expect(made.slow.count).toBe(0);
  });

  it('lets a dropped GPU step finish before the run starts, waiting at most the leader’s run', async () => {
    const log: string[] = [];
    const cpu = fake(1, { count: 0 });
    const list: EngineCandidate[] = [
      loggedGpu(600, log),
      { engine: 'cpu-parallel', make: async () => (log.push('cpu made'), cpu()) },
    ];
    const c = await chooseEngine(list, 'auto', undefined, 40);
    expect(c.engine).toBe('cpu-parallel');
    // Measured, then the GPU's queued step (0.6 s, under the leader's 1 s run), then the run's.
    expect(log).toEqual(['cpu made', 'gpu step done', 'cpu made']);
  });

  it('the calibration at start waits for a dropped GPU step past the leader’s run, until cancelled', async () => {
    const done: string[] = [];
    const list: EngineCandidate[] = [
      loggedGpu(3000, done),
      { engine: 'cpu-parallel', make: fake(1, { count: 0 }) },
    ];
    // The run's wait (the leader's 1 s run) ends before the 3 s GPU read does.
    const c = await chooseEngine(list, 'auto', undefined, 40);
    c.trainer.dispose();
    expect(done).toEqual([]);
    const signal = { cancelled: false };
    await droppedStepsSettled(signal);
    expect(done).toEqual(['gpu step done']);
    // Nothing left to wait for: at once.
    const t0 = performance.now();
    await droppedStepsSettled();
    expect(performance.now() - t0).toBeLessThan(100);
  });

  it('a cancelled wait for dropped GPU steps returns at once (a run was asked for)', async () => {
    const list: EngineCandidate[] = [
      { engine: 'webgl', make: fake(0, { count: 0 }, 3000, 1) },
      { engine: 'cpu-parallel', make: fake(1, { count: 0 }) },
    ];
    (await chooseEngine(list, 'auto', undefined, 40)).trainer.dispose();
    const t0 = performance.now();
    await droppedStepsSettled({ cancelled: true });
    expect(performance.now() - t0).toBeLessThan(100);
    await droppedStepsSettled();
  });

  it('measures on the measuring trainers and trains the run on its own', async () => {
    const asked: { engine: string; measuring: boolean }[] = [];
    const list: EngineCandidate[] = (['webgl', 'cpu-parallel'] as const).map((engine, k) => ({
      engine,
      make: async (measuring) => {
        asked.push({ engine, measuring: !!measuring });
        return fake(k ? 1 : 8, { count: 0 })();
      },
    }));
    const c = await chooseEngine(list, 'auto', undefined, 40, undefined, 1e6);
    expect(c.engine).toBe('cpu-parallel');
    expect(asked).toEqual([
      { engine: 'cpu-parallel', measuring: true },
      { engine: 'webgl', measuring: true },
      { engine: 'cpu-parallel', measuring: false },
    ]);
  });
});
