import { describe, expect, it } from 'vitest';
import { groupRows } from './csr';

describe('groupRows', () => {
  it('groups row indices by key, stably, with CSR offsets', () => {
    const g = groupRows(Int32Array.from([2, 0, 2, 1, 0]), 4);
    expect(Array.from(g.offsets)).toEqual([0, 2, 3, 5, 5]);
    expect(Array.from(g.rows)).toEqual([1, 4, 3, 0, 2]);
  });

  it('names a key out of range', () => {
    expect(() => groupRows(Int32Array.from([0, 3]), 3, 'temporal split', 'user')).toThrow(
      'temporal split: row 1 has user 3, outside 0..2',
    );
    expect(() => groupRows(new Int32Array(0), -1)).toThrow(/non-negative integer/);
  });
});
