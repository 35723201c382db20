import { describe, expect, it } from 'vitest';
import type { ModelTrainer } from '../training/trainer';
import { chooseEngine, type EngineCandidate } from './choose';
import type { EngineName } from './types';

/** A trainer whose every step busy-waits `ms` (its speed is all the calibration sees). */
function fake(ms: number, made: { count: number }): () => Promise<ModelTrainer> {
  return async () => {
    made.count++;
    let steps = 0;
    let disposed = false;
    return {
      batchRows: 1000,
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
      },
      takeLoss: async () => ({ loss: 1, steps: 1 }),
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

function candidates(slowMs: number, fastMs: number) {
  const made = { slow: { count: 0 }, fast: { count: 0 } };
  const list: EngineCandidate[] = [
    { engine: 'webgl', make: fake(slowMs, made.slow) },
    { engine: 'cpu-parallel', make: fake(fastMs, made.fast), reason: '2 workers' },
  ];
  return { list, made };
}

describe('engine choice by measurement', () => {
  it('Automatic measures each engine on a throwaway trainer and takes the fastest', async () => {
    const { list, made } = candidates(4, 1);
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
    const rates = new Map<EngineName, number>([
      ['webgl', 10],
      ['cpu-parallel', 1000],
    ]);
    const c = await chooseEngine(list, 'auto', rates);
    expect(c.engine).toBe('cpu-parallel');
    expect([made.slow.count, made.fast.count]).toEqual([0, 1]);
  });
});
