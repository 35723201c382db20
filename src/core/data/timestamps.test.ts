import { describe, expect, it } from 'vitest';
import { TimestampBuilder } from './timestamps';
import { GrowableArray } from '../util/growable';
import { buildInteractions } from './build';

describe('timestamp columns', () => {
  it('keeps Unix seconds in 4 bytes a row and widens, exactly, for anything else', () => {
    const seconds = new TimestampBuilder();
    for (const v of [0, 964982703, 0xffffffff]) seconds.push(v);
    const narrow = seconds.drain();
    expect(narrow).toBeInstanceOf(Uint32Array);
    expect([...narrow]).toEqual([0, 964982703, 0xffffffff]);

    for (const odd of [1_700_000_000_123, -86_400, 1.5, 2 ** 32]) {
      const b = new TimestampBuilder();
      for (let k = 0; k < 3000; k++) b.push(k);
      b.push(odd);
      b.push(7);
      const wide = b.drain();
      expect(wide).toBeInstanceOf(Float64Array);
      expect(wide.length).toBe(3002);
      expect([wide[0], wide[2999], wide[3000], wide[3001]]).toEqual([0, 2999, odd, 7]);
    }
  });

  it('grows in chunks and gives every entry back in order', () => {
    const a = new GrowableArray(Int32Array, 4);
    for (let k = 0; k < 3_000_001; k++) a.push(k * 3);
    const copy = a.toArray();
    expect(copy.length).toBe(3_000_001);
    expect(copy[2_999_999]).toBe(2_999_999 * 3);
    const drained = a.drain();
    let same = drained.length === copy.length;
    for (let k = 0; k < copy.length && same; k++) same = drained[k] === copy[k];
    expect(same).toBe(true);
    expect(a.length).toBe(0);
  });

  it('gives a MovieLens ratings file 16 bytes a row', () => {
    const text =
      'userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.0,964981247\n2,1,5,1445714835\n';
    const d = buildInteractions({
      name: 'ratings.csv',
      text,
      delimiter: ',',
      hasHeader: true,
      mapping: { user: 0, item: 1, rating: 2, timestamp: 3 },
    });
    const bytes = [d.user, d.item, d.rating, d.timestamp!].reduce((s, a) => s + a.byteLength, 0);
    expect(bytes / d.user.length).toBe(16);
    expect([...d.timestamp!]).toEqual([964982703, 964981247, 1445714835]);
  });
});
