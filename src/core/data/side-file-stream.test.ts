import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildInteractions, DataError } from './build';
import {
  attachItemTags,
  MetadataReader,
  parseItemMetadata,
  parseUserMetadata,
  type ItemMetadata,
} from './metadata';
import { readMetadataStream, readTagsStream } from './side-file-stream';
import type { ReadProgress } from './stream-import';
import { attachTagLists, readTagLists, TagsReader } from './tag-lists';
import { mulberry32 } from '../util/random';
import { randomCuts, streamOf } from './byte-chunks';

const FIXTURES_TAGS = '15::4973::excellent!::1215184630\n';
const GENRES = ['Action', 'Comedy', 'Drama', 'Romance', 'Sci-Fi', 'War', 'Western'];

/** movies.csv, long enough to pass the 64K characters its layout is judged on. */
function moviesCsv(rows: number, seed: number): string {
  const random = mulberry32(seed);
  const lines = ['movieId,title,genres'];
  for (let k = 1; k <= rows; k++) {
    const genres = GENRES.filter(() => random() < 0.3).join('|') || '(no genres listed)';
    const title =
      random() < 0.3
        ? `"${k % 7 === 0 ? 'The ""Quoted"" One' : `American President, The`} (${1950 + (k % 70)})"`
        : `Film ${k} (${1950 + (k % 70)})`;
    lines.push(`${k},${title},${genres}`);
  }
  return lines.join(random() < 0.5 ? '\n' : '\r\n') + '\n';
}

/** MovieLens 100K u.item: `|`, headerless, 19 genre flags, titles with Latin-1 letters. */
function uItem(rows: number, seed: number): string {
  const random = mulberry32(seed);
  const lines: string[] = [];
  for (let k = 1; k <= rows; k++) {
    const flags = Array.from({ length: 19 }, () => (random() < 0.15 ? 1 : 0)).join('|');
    const title = k % 5 === 0 ? `Café Été ${k} (1995)` : `Movie ${k} (1995)`;
    lines.push(`${k}|${title}|01-Jan-1995||http://us.imdb.com/M/title-exact?${k}|${flags}`);
  }
  return lines.join('\n') + '\n';
}

/** MovieLens 1M users.dat: `::`, gender, age code, occupation code, zip. */
function usersDat(rows: number, seed: number): string {
  const random = mulberry32(seed);
  const ages = [1, 18, 25, 35, 45, 50, 56];
  const lines: string[] = [];
  for (let k = 1; k <= rows; k++) {
    const age = ages[Math.floor(random() * ages.length)];
    const zip = String(10000 + Math.floor(random() * 89999));
    lines.push(`${k}::${random() < 0.5 ? 'F' : 'M'}::${age}::${Math.floor(random() * 21)}::${zip}`);
  }
  return lines.join('\n') + '\n';
}

/** An attribute file whose columns are guessed, numbers bucketed over all rows (sorted ones). */
function peopleCsv(rows: number): string {
  const lines = ['user_id,age,premium,country,score'];
  for (let k = 0; k < rows; k++)
    lines.push(
      `u${k},${18 + Math.floor((60 * k) / rows)},${k % 2},${['NL', 'DE', 'FR'][k % 3]},${k % 20}`,
    );
  return lines.join('\n');
}

/** tags.csv: mixed case, padded and quoted tags, rows without a tag, items not in the data. */
function tagsCsv(rows: number, seed: number): string {
  const random = mulberry32(seed);
  const tags = ['funny', ' Funny ', 'dark', '"Highly, quotable"', 'pixar', 'war', '', 'Twist'];
  const lines = ['userId,movieId,tag,timestamp'];
  for (let k = 0; k < rows; k++) {
    const item = 1 + Math.floor(random() * 300);
    const tag = random() < 0.2 ? `tag ${Math.floor(random() * 500)}` : tags[k % tags.length];
    lines.push(`${k % 50},${item},${tag},${1445714994 + k}`);
  }
  return lines.join('\n') + '\n';
}

const CUTS = [1, 13, 1000, 70_000, 1 << 22];

/** A data set whose items are 1..200 and 9999 (not in any file), for joining tags. */
function ratings(): ReturnType<typeof buildInteractions> {
  const lines = ['userId,movieId,rating'];
  for (let i = 1; i <= 200; i++) lines.push(`${i % 13},${i},4`);
  lines.push('1,9999,3');
  return buildInteractions({
    name: 'ratings.csv',
    text: lines.join('\n'),
    delimiter: ',',
    hasHeader: true,
    mapping: { user: 0, item: 1, rating: 2, timestamp: null },
  });
}

describe('metadata read as a stream', () => {
  const cases: [string, 'item' | 'user', string, Uint8Array][] = [];
  const movies = moviesCsv(3000, 1);
  cases.push(['movies.csv', 'item', movies, Buffer.from(movies)]);
  const item = uItem(1500, 2);
  cases.push(['u.item', 'item', item, Buffer.from(item, 'latin1')]);
  const users = usersDat(4000, 3);
  cases.push(['users.dat', 'user', users, Buffer.from(users)]);
  const people = peopleCsv(2500);
  cases.push(['people.csv', 'user', people, Buffer.from('\uFEFF' + people, 'utf16le')]);

  for (const [name, side, text, bytes] of cases) {
    it(`${name}: the same metadata as the whole text, however the bytes are cut`, async () => {
      const parse = side === 'item' ? parseItemMetadata : parseUserMetadata;
      const whole = parse(name, text);
      expect(whole.ids.length).toBeGreaterThan(1000);
      expect(whole.features.names.length).toBeGreaterThan(2);
      const random = mulberry32(bytes.length);
      for (const max of CUTS) {
        const read = await readMetadataStream(streamOf(randomCuts(bytes, random, max)), name, side);
        expect(read.metadata).toEqual(whole);
      }
    });
  }

  it('reads what the whole text says: quoted titles, Latin-1 titles, bucketed numbers', () => {
    const m = parseItemMetadata('movies.csv', movies);
    expect(m.layout).toBe('MovieLens movies.csv');
    expect(
      m.titles.filter((t) => t?.startsWith('American President, The (')).length,
    ).toBeGreaterThan(100);
    expect(m.titles.filter((t) => t?.startsWith('The "Quoted" One (')).length).toBeGreaterThan(10);
    expect(parseItemMetadata('u.item', item).titles[4]).toBe('Café Été 5 (1995)');
    // Ages 18-77 of a file sorted by age: buckets over every row, not the first thousand.
    const p = parseUserMetadata('people.csv', people);
    expect(p.features.names.filter((n) => n.startsWith('age='))).toEqual([
      'age=18-29',
      'age=30-41',
      'age=42-53',
      'age=54-65',
      'age=66-77',
    ]);
  });

  it('reads a gzip file, reports the encoding and progress in compressed bytes', async () => {
    const bytes = Buffer.from(item, 'latin1');
    const gz = gzipSync(bytes);
    const seen: ReadProgress[] = [];
    const read = await readMetadataStream(
      streamOf(randomCuts(gz, mulberry32(5), 4096)),
      'u.item.gz',
      'item',
      (p) => seen.push(p),
    );
    expect(read.metadata).toEqual(parseItemMetadata('u.item.gz', item));
    expect([read.encoding, read.lossy]).toEqual(['windows-1252', false]);
    expect(seen.at(-1)).toMatchObject({ bytes: gz.length, rows: 1500 });
    expect(seen.map((p) => p.rows)).toEqual([...seen.map((p) => p.rows)].sort((a, b) => a - b));
  });

  it('throws the whole-text errors, naming the file', async () => {
    const read = (name: string, text: string | Uint8Array, side: 'item' | 'user' = 'item') =>
      readMetadataStream(streamOf([Buffer.from(text)]), name, side);
    await expect(read('movies.csv', '')).rejects.toThrow('movies.csv: the file is empty');
    await expect(read('movies.csv', ' \n\n')).rejects.toThrow('movies.csv: the file is empty');
    await expect(read('movies.csv', 'movieId,title,genres\n')).rejects.toThrow(
      'movies.csv: the file has a header row but no data rows',
    );
    await expect(read('tags.dat', '15::4973::excellent!::1215184630\n')).rejects.toThrow(
      'tags.dat: this looks like MovieLens 10M tags.dat, which is a tags file, not item metadata',
    );
    await expect(read('movies.csv', 'movieId,title\n1,"Toy Story\n2,x\n')).rejects.toThrow(
      'movies.csv: line 2: a quoted field is never closed',
    );
    await expect(
      read('image.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2])),
    ).rejects.toThrow('image.png: this is a PNG image');
    await expect(read('a.csv', 'id,name\n,x\n , y\n')).rejects.toThrow(
      'a.csv: no row has an id in column "id"',
    );
    await expect(read('tags.dat', FIXTURES_TAGS)).rejects.toBeInstanceOf(DataError);
  });

  it('stops when aborted', async () => {
    const abort = new AbortController();
    const bytes = Buffer.from(movies);
    const reading = readMetadataStream(
      streamOf(randomCuts(bytes, mulberry32(1), 1000)),
      'movies.csv',
      'item',
      () => abort.abort(new Error('stop')),
      abort.signal,
    );
    await expect(reading).rejects.toThrow('stop');
  });

  it('MetadataReader takes text cut anywhere', () => {
    const whole = parseItemMetadata('movies.csv', movies);
    const random = mulberry32(9);
    for (const max of [1, 50, 100_000]) {
      const reader = new MetadataReader('movies.csv', 'item');
      for (let i = 0; i < movies.length;) {
        const k = 1 + Math.floor(random() * max);
        reader.push(movies.slice(i, i + k));
        i += k;
      }
      const m: ItemMetadata = reader.finish();
      expect(m).toEqual(whole);
      expect(reader.rows).toBe(3000);
    }
  });
});

describe('tags read as a stream', () => {
  const text = tagsCsv(20_000, 4);

  it('gives the tag lists of the whole text, however the bytes (or gzip) are cut', async () => {
    const whole = readTagLists('tags.csv', text);
    expect(whole.itemIds.length).toBe(300);
    const bytes = Buffer.from(text);
    const random = mulberry32(11);
    for (const max of CUTS) {
      const read = await readTagsStream(streamOf(randomCuts(bytes, random, max)), 'tags.csv');
      expect(read.tags).toEqual(whole);
    }
    const gz = await readTagsStream(streamOf(randomCuts(gzipSync(bytes), random, 999)), 'tags.csv');
    expect(gz.tags).toEqual(whole);
  });

  it('joined by id, matches attachItemTags on the whole text', async () => {
    const d = ratings();
    const read = await readTagsStream(streamOf([Buffer.from(text)]), 'tags.csv');
    for (const minItems of [1, 3, 50]) {
      const joined = attachTagLists(d, read.tags, minItems);
      expect(joined).toEqual(attachItemTags(d, 'tags.csv', text, minItems));
      // Rows of items 201..300, which the data set lacks.
      expect(joined.unmatched).toBeGreaterThan(5000);
    }
    const r = attachTagLists(d, read.tags);
    expect(r.dataset.itemFeatures.names).toContain('tag: funny');
    expect(r.dataset.itemFeatures.names).toContain('tag: highly, quotable');
    expect(r.dataset.itemFeatures.names).not.toContain('tag: Funny');
    expect(r.rareTags).toBeGreaterThan(0);
  });

  it("keeps each item's distinct tags and its tagging rows", () => {
    const t = readTagLists(
      'tags.csv',
      'userId,movieId,tag\n1,7,A\n2,7, a \n3,8,b\n4,7,b\n5,7,\n6,8,B\n',
    );
    expect(t.itemIds).toEqual(['7', '8']);
    expect(t.tags).toEqual(['a', 'b']);
    expect(Array.from(t.rows)).toEqual([3, 2]);
    expect(Array.from(t.offsets)).toEqual([0, 2, 3]);
    expect(Array.from(t.values)).toEqual([0, 1, 1]);
  });

  it('reads headerless MovieLens tags.dat and refuses a header without a tag column', async () => {
    const reader = new TagsReader('tags.dat');
    reader.push(FIXTURES_TAGS);
    expect(reader.finish().tags).toEqual(['excellent!']);
    await expect(readTagsStream(streamOf([Buffer.from('a,b\n1,2\n')]), 'tags.csv')).rejects.toThrow(
      /tags.csv: .*"tag" column/,
    );
    await expect(readTagsStream(streamOf([]), 'tags.csv')).rejects.toThrow(
      'tags.csv: the file is empty',
    );
  });
});
