/** The built-in MovieLens sample as the benches read it: ratings, titles and genres, tags. */
import { readFileSync } from 'node:fs';
import {
  attachItemMetadata,
  attachItemTags,
  buildInteractions,
  parseItemMetadata,
} from '../src/core/data/build';
import { guessMapping } from '../src/core/data/columns';
import { previewCsv } from '../src/core/data/csv';
import type { Dataset } from '../src/core/data/types';

const dir = new URL('../public/samples/ml-latest-small/', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, dir), 'utf8');

export function loadSample(): Dataset {
  const text = read('ratings.csv');
  const preview = previewCsv(text);
  const mapping = guessMapping(preview.header, preview.rows);
  const d = buildInteractions({ name: 'ratings.csv', text, ...preview, mapping });
  const movies = attachItemMetadata(d, parseItemMetadata('movies.csv', read('movies.csv')));
  return attachItemTags(movies.dataset, 'tags.csv', read('tags.csv')).dataset;
}
