import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attachItemMetadata, buildInteractions, parseItemMetadata } from './build';
import { guessMapping } from './columns';
import { previewCsv } from './csv';
import { summarize } from './summary';

const read = (file: string): string =>
  readFileSync(new URL(`../../../public/samples/ml-latest-small/${file}`, import.meta.url), 'utf8');

describe('the MovieLens latest-small sample', () => {
  it('imports ratings.csv and joins movies.csv', () => {
    const text = read('ratings.csv');
    const started = performance.now();
    const preview = previewCsv(text);
    const mapping = guessMapping(preview.header, preview.rows);
    const d = buildInteractions({ name: 'ratings.csv', text, ...preview, mapping });
    const elapsed = performance.now() - started;

    expect(preview.delimiter).toBe(',');
    expect(preview.hasHeader).toBe(true);
    expect(mapping).toEqual({ user: 0, item: 1, rating: 2, timestamp: 3 });
    expect(d.user.length).toBe(100_836);
    expect(d.skippedRows).toBe(0);
    expect(d.userIds).toHaveLength(610);
    expect(d.itemIds).toHaveLength(9_724);
    expect([d.ratingMin, d.ratingMax]).toEqual([0.5, 5]);
    expect(d.kind).toBe('explicit');
    expect(d.timestamp?.length).toBe(100_836);
    // Generous for slow CI machines; typically ~100 ms.
    expect(elapsed).toBeLessThan(1500);

    const meta = parseItemMetadata('movies.csv', read('movies.csv'));
    expect(meta.ids).toHaveLength(9_742);
    const { dataset, matched, unmatched } = attachItemMetadata(d, meta);
    expect(matched).toBe(9_724);
    expect(unmatched).toBe(18);
    // 18 genres + IMAX; "(no genres listed)" is not a feature. All 19 appear among rated films.
    expect(meta.features.names).toHaveLength(19);
    expect(dataset.itemFeatures.names).toHaveLength(19);
    expect(dataset.itemLabels[d.itemIds.indexOf('1')]).toBe('Toy Story (1995)');

    const s = summarize(dataset);
    expect(s).toMatchObject({ rows: 100_836, users: 610, items: 9_724, itemFeatures: 19 });
    expect(s.sparsity).toBeCloseTo(1 - 100_836 / (610 * 9_724), 10);
    expect(s.meanRating).toBeCloseTo(3.5016, 4);
  });
});
