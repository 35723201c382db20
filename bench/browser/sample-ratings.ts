/** The built-in sample's ratings as the app builds them, fetched in the bench page or worker. */
import { buildInteractions } from '../../src/core/data/build';
import type { Dataset } from '../../src/core/data/types';

/** ratings.csv of the sample at `url` (no metadata: the benches' models do not read it). */
export async function fetchSampleRatings(url: string): Promise<Dataset> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`the sample did not load from ${url}: ${res.status}`);
  return buildInteractions({
    name: 'ratings.csv',
    text: await res.text(),
    delimiter: ',',
    hasHeader: true,
    mapping: { user: 0, item: 1, rating: 2, timestamp: 3 },
    kind: 'explicit',
  });
}
