import { describe, expect, it } from 'vitest';
import { factorDataset } from '../core/data/factors';
import { describeSelection, DEFAULT_NEIGHBOURS } from './selection';

describe('neighbours of imported vectors (no interactions)', () => {
  it('are listed by plain cosine, with nothing filtered for lack of support', () => {
    const ids = Array.from({ length: 30 }, (_, i) => String(i));
    const t = { ids, dim: 3, vectors: Float32Array.from({ length: 90 }, (_, i) => Math.sin(i)) };
    const { dataset, snapshot } = factorDataset('factors', t, t);
    const s = describeSelection(dataset, snapshot, 'item', 7, DEFAULT_NEIGHBOURS);
    expect(s.metric).toBe('cosine');
    expect(s.neighbors).toHaveLength(10);
    expect(s.hiddenLowSupport).toBe(0);
    expect(s.neighbors.every((n) => n.support === 0)).toBe(true);
  });
});
