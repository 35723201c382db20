import type { RankingDetail } from './protocol';

/**
 * " · Ranking on N of M users (a uniform sample)" when a large data set's ranking metrics cover a
 * sample of the users with held-out items (`evaluateRanking`), else ''.
 */
export function rankingSample(r: RankingDetail | null | undefined): string {
  if (!r || r.sampleSeed === undefined || r.users === undefined || r.usersWithHeldOut === undefined)
    return '';
  const n = (x: number) => x.toLocaleString('en-US');
  return ` · Ranking on ${n(r.users)} of ${n(r.usersWithHeldOut)} users (a uniform sample)`;
}
