import { describe, expect, it } from 'vitest';
import { rankingSample } from './ranking-sample';

const detail = {
  precision10: 0.1,
  recall10: 0.1,
  ndcg10: 0.1,
  hitRate10: 0.1,
  map10: 0.1,
  mrr10: 0.1,
  coverage10: 0.1,
  auc: null,
};

describe('rankingSample', () => {
  it('says the sample size when the users were sampled, and nothing otherwise', () => {
    expect(rankingSample({ ...detail, users: 585, usersWithHeldOut: 6480, sampleSeed: 3 })).toBe(
      ' · Ranking on 585 of 6,480 users (a uniform sample)',
    );
    expect(rankingSample({ ...detail, users: 610, usersWithHeldOut: 610 })).toBe('');
    expect(rankingSample(detail)).toBe('');
    expect(rankingSample(undefined)).toBe('');
  });
});
