import { describe, expect, it } from 'vitest';
import {
  foldSummary,
  heldOutView,
  rankingMetrics,
  selectedEpoch,
  testReport,
  validationScore,
} from './protocol';
import type { RankingReport } from '../metrics/evaluate-ranking';
import { noFeatures, type TrainData } from './trainer';

const rows = (user: number[], item: number[]) => ({
  user: Int32Array.from(user),
  item: Int32Array.from(item),
  rating: Float32Array.from(user, () => 4),
});

describe('the protocol', () => {
  it('scores rating models by -RMSE and ranking models by Recall@20', () => {
    expect(validationScore({ rmse: 0.9 }, true)).toBe(-0.9);
    expect(validationScore({ recallAtK: 0.3, rmse: 0.9 }, false)).toBe(0.3);
    expect(validationScore({ recallAtK: 0.3 }, true)).toBeUndefined();
    expect(validationScore({ rmse: NaN }, true)).toBeUndefined();
  });

  it('selects the earliest best validation epoch, and the last epoch without validation', () => {
    const v = (epoch: number, rmse: number) => ({ epoch, rmse, split: 'validation' as const });
    expect(selectedEpoch([v(1, 0.95), v(2, 0.9), v(3, 0.9), v(4, 0.92)], true)!.epoch).toBe(2);
    const onTest = [1, 2, 3].map((epoch) => ({
      epoch,
      rmse: 1 - epoch / 10,
      split: 'test' as const,
    }));
    expect(selectedEpoch([...onTest].reverse().reverse(), true)!.epoch).toBe(3);
    // Even when an earlier test value was better: nothing is chosen on test.
    const worse = [...onTest.slice(0, 2), { epoch: 3, rmse: 5, split: 'test' as const }];
    expect(selectedEpoch(worse, true)!.epoch).toBe(3);
    expect(selectedEpoch([], true)).toBeNull();
  });

  it('keeps AUC only when the ranking had one', () => {
    expect(testReport(3, 10, { rmse: 0.8 })).toEqual({ epoch: 3, rows: 10, rmse: 0.8 });
    const withAuc = testReport(1, 5, {
      recallAtK: 0.2,
      ranking: {
        precision10: 0,
        recall10: 0,
        ndcg10: 0,
        hitRate10: 0,
        map10: 0,
        mrr10: 0,
        coverage10: 0,
        auc: 0.7,
      },
    });
    expect(withAuc.auc).toBe(0.7);
  });

  it('carries the ranked users, and the sample seed only when the users were sampled', () => {
    const m = { precision: 0.1, recall: 0.2, ndcg: 0.3, hitRate: 0.4 };
    const report = (usersEvaluated: number, sampleSeed: number | null): RankingReport => ({
      k: 10,
      metrics: { ...m, k: 10, map: 0.1, mrr: 0.2, coverage: 0.3, auc: NaN, users: usersEvaluated },
      at: { 10: m, 20: m },
      usersEvaluated,
      usersWithHeldOut: 900,
      sampleSeed,
    });
    const sampled = rankingMetrics(report(585, 7)).ranking!;
    expect([sampled.users, sampled.usersWithHeldOut, sampled.sampleSeed]).toEqual([585, 900, 7]);
    const whole = rankingMetrics(report(900, null)).ranking!;
    expect([whole.users, whole.usersWithHeldOut]).toEqual([900, 900]);
    expect('sampleSeed' in whole).toBe(false);
  });

  it('evaluates the validation part as held out, and excludes it from the test ranking', () => {
    const data: TrainData = {
      users: 2,
      items: 4,
      train: rows([0, 1], [0, 1]),
      test: rows([0], [3]),
      validation: { ...rows([0, 1], [2, 2]), candidates: Int32Array.from([2]), userDay: null },
      ratingMin: 1,
      ratingMax: 5,
      ...noFeatures(2, 4),
    };
    const v = heldOutView(data, 'validation');
    expect(Array.from(v.test.item)).toEqual([2, 2]);
    expect(Array.from(v.candidates!)).toEqual([2]);
    expect(v.known.flatMap((k) => Array.from(k.item))).toEqual([0, 1]);
    const t = heldOutView(data, 'test');
    expect(Array.from(t.test.item)).toEqual([3]);
    // Validation rows are known interactions: the test ranking does not count them as misses.
    expect(t.known.flatMap((k) => Array.from(k.item))).toEqual([0, 1, 2, 2]);
    expect(Array.from(t.train.item)).toEqual([0, 1]);
    expect(() => heldOutView({ ...data, validation: null }, 'validation')).toThrow(/no validation/);
  });
});

describe('foldSummary', () => {
  it('averages each metric over the folds with the sample standard deviation', () => {
    const s = foldSummary(3, [
      { epoch: 4, rows: 10, rmse: 0.8, mae: 0.6 },
      { epoch: 5, rows: 10, rmse: 0.9, mae: 0.7 },
      { epoch: 6, rows: 10, rmse: 1.0, mae: 0.8 },
    ]);
    expect(s.k).toBe(3);
    expect(s.done).toBe(3);
    expect(s.mean.rmse).toBeCloseTo(0.9, 12);
    expect(s.sd.rmse).toBeCloseTo(0.1, 12);
    expect(s.mean.recallAtK).toBeUndefined();
    const one = foldSummary(5, [{ epoch: 1, rows: 3, recallAtK: 0.25 }]);
    expect(one).toEqual({ k: 5, done: 1, mean: { recallAtK: 0.25 }, sd: { recallAtK: 0 } });
  });
});
