import { describe, expect, it } from 'vitest';
import { bestAt } from './best-runs';
import { DEFAULT_CONFIG } from '../core/training/config';
import type { RunRecord } from './lab-state';

const run = (id: number, model: string, patch: Partial<RunRecord>): RunRecord => ({
  id,
  model,
  config: { ...DEFAULT_CONFIG, model },
  feedback: 'explicit',
  userDays: 0,
  dataset: 'ratings.csv',
  status: 'done',
  epochs: 3,
  selectedEpoch: 2,
  validated: true,
  test: null,
  secondsPerEpoch: 1,
  history: [],
  ...patch,
});

const space = (genreAgreement: number, coOccurrenceOverlap: number) => ({
  genreAgreement,
  coOccurrenceOverlap,
  lowSupportShare: 0,
  k: 10,
  minSupport: 5,
  metric: 'cosine' as const,
});

describe('bestAt', () => {
  it('names the leading run per criterion: lowest RMSE, highest recall and map quality', () => {
    const runs = [
      run(1, 'biased-mf', { rmse: 0.86, space: space(0.7, 0.12) }),
      run(2, 'svdpp', { rmse: 0.849 }),
      run(3, 'bpr', { feedback: 'implicit', recall20: 0.21, space: space(0.69, 0.25) }),
      run(4, 'hybrid', { feedback: 'implicit', recall20: 0.2, space: space(0.76, 0.24) }),
    ];
    const best = bestAt(runs, 'ratings.csv');
    expect(best.map((b) => [b.what, b.runId, b.value])).toEqual([
      ['ratings (test RMSE)', 2, 0.849],
      ['ranking (test Recall@20)', 3, 0.21],
      ['map (genre agreement@10)', 4, 0.76],
      ['map (ItemKNN overlap@10)', 3, 0.25],
    ]);
    expect(best[0].lowerIsBetter).toBe(true);
  });

  it('leaves out other data sets, stopped runs, tuning trials and criteria no run reports', () => {
    const runs = [
      run(1, 'biased-mf', { rmse: 0.9 }),
      run(2, 'svdpp', { rmse: 0.7, dataset: 'other.csv' }),
      run(3, 'fm', { rmse: 0.8, status: 'stopped' }),
      run(4, 'fm', { rmse: 0.75, trial: { id: 1, rung: 0, score: -0.75 } }),
      run(5, 'hybrid', { rmse: Number.NaN }),
    ];
    expect(bestAt(runs, 'ratings.csv')).toEqual([
      {
        what: 'ratings (test RMSE)',
        runId: 1,
        model: 'biased-mf',
        feedback: 'explicit',
        value: 0.9,
        lowerIsBetter: true,
      },
    ]);
    expect(bestAt([], 'ratings.csv')).toEqual([]);
  });

  it('keeps the earlier run on a tie', () => {
    const runs = [run(1, 'a', { rmse: 0.85 }), run(2, 'b', { rmse: 0.85 })];
    expect(bestAt(runs, 'ratings.csv')[0].runId).toBe(1);
  });
});
