import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { parseItemMetadata, parseUserMetadata } from '../../core/data/metadata';
import { readTagLists } from '../../core/data/tag-lists';
import { DEFAULT_CLEAN } from '../../core/data/clean';
import type { ImportEvent, ImportRequest } from './protocol';
import { ImportSession } from './session';

/** A session whose events are recorded; progress is sent for every chunk. */
function harness() {
  const events: ImportEvent[] = [];
  const transfers: ArrayBuffer[][] = [];
  const session = new ImportSession((event, transfer) => {
    events.push(event);
    transfers.push(transfer);
  }, 0);
  return { session, events, transfers };
}

const MOVIES = ['movieId,title,genres']
  .concat(
    Array.from(
      { length: 5000 },
      (_, k) => `${k},"Film, ${k} (1995)",Comedy|${k % 2 ? 'Drama' : 'War'}`,
    ),
  )
  .join('\n');
const TAGS = ['userId,movieId,tag,timestamp']
  .concat(Array.from({ length: 3000 }, (_, k) => `${k % 9},${k % 40},Tag ${k % 7},${k}`))
  .join('\n');

describe('ImportSession', () => {
  it('reads item metadata as a stream: progress, then the metadata with its arrays transferred', async () => {
    const { session, events, transfers } = harness();
    const file = new Blob([MOVIES]);
    await session.handle({ type: 'metadata', id: 1, file, name: 'movies.csv', of: 'item' });
    const done = events.at(-1)!;
    expect(done.type).toBe('metadata-done');
    if (done.type !== 'metadata-done') return;
    expect(done.metadata).toEqual(parseItemMetadata('movies.csv', MOVIES));
    expect([done.encoding, done.lossy]).toEqual(['utf-8', false]);
    expect(transfers.at(-1)).toEqual([
      done.metadata.features.offsets.buffer,
      done.metadata.features.values.buffer,
    ]);
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual({
      type: 'progress',
      id: 1,
      bytes: file.size,
      totalBytes: file.size,
      rows: 5000,
    });
  });

  it('reads gzip user metadata and a tags file', async () => {
    const { session, events } = harness();
    const users = '1::F::1::10::48067\n2::M::56::16::70072\n';
    await session.handle({
      type: 'metadata',
      id: 2,
      file: new Blob([gzipSync(Buffer.from(users))]),
      name: 'users.dat.gz',
      of: 'user',
    });
    await session.handle({ type: 'tags', id: 3, file: new Blob([TAGS]), name: 'tags.csv' });
    const [meta, tags] = events.filter((e) => e.type !== 'progress');
    expect(meta).toMatchObject({ type: 'metadata-done', id: 2 });
    if (meta.type === 'metadata-done')
      expect(meta.metadata).toEqual(parseUserMetadata('users.dat.gz', users));
    expect(tags).toMatchObject({ type: 'tags-done', id: 3 });
    if (tags.type === 'tags-done') expect(tags.tags).toEqual(readTagLists('tags.csv', TAGS));
  });

  it('still reads interactions into a Dataset', async () => {
    const { session, events } = harness();
    await session.handle({
      type: 'import',
      id: 8,
      file: new Blob(['user,item,rating\n1,2,4\n3,2,5\n']),
      name: 'ratings.csv',
      options: {
        delimiter: ',',
        hasHeader: true,
        mapping: { user: 0, item: 1, rating: 2, timestamp: null },
      },
    });
    const done = events.at(-1)!;
    expect(done.type).toBe('done');
    if (done.type === 'done') expect(done.dataset.itemIds).toEqual(['2']);
  });

  it('cleans the interactions it read when asked, and says what cleaning did', async () => {
    const { session, events, transfers } = harness();
    // A repeated (user, item), and a k-core of 2 per user that drops user 9.
    const text = 'user,item,rating\n1,2,4\n1,2,5\n1,3,3\n4,2,5\n4,3,1\n9,3,2\n';
    await session.handle({
      type: 'import',
      id: 9,
      file: new Blob([text]),
      name: 'ratings.csv',
      options: {
        delimiter: ',',
        hasHeader: true,
        mapping: { user: 0, item: 1, rating: 2, timestamp: null },
        clean: { ...DEFAULT_CLEAN, minPerUser: 2 },
      },
    });
    const done = events.at(-1)!;
    if (done.type !== 'done') throw new Error(`expected done, got ${done.type}`);
    expect(done.cleaned).toEqual({
      readRows: 6,
      report: { duplicates: 1, outOfRange: 0, coreRows: 1, coreUsers: 1, coreItems: 0 },
    });
    expect(done.dataset.userIds).toEqual(['1', '4']);
    expect(Array.from(done.dataset.rating)).toEqual([5, 3, 5, 1]);
    // The cleaned data set's arrays are the ones transferred.
    expect(transfers.at(-1)).toContain(done.dataset.user.buffer);
  });

  it('shares the rows’ arrays where the page is cross-origin isolated, and transfers the rest', async () => {
    vi.stubGlobal('crossOriginIsolated', true);
    try {
      const { session, events, transfers } = harness();
      await session.handle({
        type: 'import',
        id: 10,
        file: new Blob(['user,item,rating,time\n1,2,4,100\n3,2,5,200\n']),
        name: 'ratings.csv',
        options: {
          delimiter: ',',
          hasHeader: true,
          mapping: { user: 0, item: 1, rating: 2, timestamp: 3 },
        },
      });
      const done = events.at(-1)!;
      if (done.type !== 'done') throw new Error(`expected done, got ${done.type}`);
      const d = done.dataset;
      for (const rows of [d.user, d.item, d.rating, d.timestamp!]) {
        expect(rows.buffer).toBeInstanceOf(SharedArrayBuffer);
        // A shared buffer cannot be transferred (postMessage would throw).
        expect(transfers.at(-1)).not.toContain(rows.buffer);
      }
      expect([...d.user, ...d.item, ...d.rating, ...d.timestamp!]).toEqual([
        0, 1, 0, 0, 4, 5, 100, 200,
      ]);
      expect(transfers.at(-1)).toContain(d.itemFeatures.offsets.buffer);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('sends errors back as messages naming the file', async () => {
    const { session, events } = harness();
    const requests: ImportRequest[] = [
      { type: 'metadata', id: 4, file: new Blob(['movieId,title\n']), name: 'm.csv', of: 'item' },
      { type: 'tags', id: 5, file: new Blob(['a,b\n1,2\n']), name: 't.csv' },
      // Not gzip after all: the decompressor's own message gets the file name.
      {
        type: 'tags',
        id: 6,
        file: new Blob([new Uint8Array([0x1f, 0x8b, 1, 2, 3])]),
        name: 'x.gz',
      },
    ];
    for (const r of requests) await session.handle(r);
    const errors = events.filter((e) => e.type === 'error');
    expect(errors.map((e) => e.id)).toEqual([4, 5, 6]);
    expect(errors[0].message).toBe('m.csv: the file has a header row but no data rows');
    expect(errors[1].message).toMatch(/^t\.csv: a tags file needs an item column/);
    expect(errors[2].message).toMatch(/^x\.gz: /);
  });

  it('stops a cancelled read, which then sends only its error', async () => {
    const { session, events } = harness();
    const big = MOVIES.repeat(20);
    const reading = session.handle({
      type: 'metadata',
      id: 7,
      file: new Blob([big]),
      name: 'movies.csv',
      of: 'item',
    });
    await session.handle({ type: 'cancel', id: 7 });
    await reading;
    expect(events.at(-1)).toEqual({
      type: 'error',
      id: 7,
      message: 'movies.csv: Import cancelled',
    });
  });
});
