import { describe, expect, it } from 'vitest';
import { guessMapping, validateMapping } from './columns';

describe('guessMapping', () => {
  it('maps MovieLens ratings.csv by name', () => {
    const header = ['userId', 'movieId', 'rating', 'timestamp'];
    expect(guessMapping(header, [['1', '1', '4.0', '964982703']])).toEqual({
      user: 0,
      item: 1,
      rating: 2,
      timestamp: 3,
    });
  });

  it('maps other common names in any order', () => {
    expect(guessMapping(['ts', 'score', 'product_id', 'customer_id'], [])).toEqual({
      user: 3,
      item: 2,
      rating: 1,
      timestamp: 0,
    });
    expect(guessMapping(['user', 'artist', 'plays'], [])).toEqual({
      user: 0,
      item: 1,
      rating: 2,
      timestamp: null,
    });
  });

  it('maps headerless MovieLens 1M rows by content', () => {
    const rows = [
      ['1', '1193', '5', '978300760'],
      ['1', '661', '3', '978302109'],
    ];
    const header = ['column 1', 'column 2', 'column 3', 'column 4'];
    expect(guessMapping(header, rows)).toEqual({ user: 0, item: 1, rating: 2, timestamp: 3 });
  });

  it('leaves the rating out when no column is numeric', () => {
    const rows = [
      ['u1', 'i1'],
      ['u2', 'i3'],
    ];
    expect(guessMapping(['column 1', 'column 2'], rows)).toEqual({
      user: 0,
      item: 1,
      rating: null,
      timestamp: null,
    });
  });

  it('finds ISO date timestamps', () => {
    const rows = [['a', 'b', '2021-03-04T10:00:00Z', '3']];
    expect(guessMapping(['column 1', 'column 2', 'column 3', 'column 4'], rows)).toMatchObject({
      rating: 3,
      timestamp: 2,
    });
  });
});

describe('validateMapping', () => {
  it('accepts a proper mapping', () => {
    expect(validateMapping({ user: 0, item: 1, rating: 2, timestamp: null }, 3)).toBeNull();
  });

  it('rejects shared, missing and out-of-range columns', () => {
    expect(validateMapping({ user: 1, item: 1, rating: null, timestamp: null }, 3)).toMatch(
      /user id and item id/,
    );
    expect(validateMapping({ user: 0, item: 5, rating: null, timestamp: null }, 3)).toMatch(
      /item id column \(6\)/,
    );
    expect(validateMapping({ user: 0, item: 1, rating: 1, timestamp: null }, 3)).toMatch(/rating/);
    expect(validateMapping({ user: 0, item: 1, rating: null, timestamp: null }, 1)).not.toBeNull();
  });
});
