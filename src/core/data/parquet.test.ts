import { describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { blobBuffer, isParquet, previewParquet, readParquetInteractions } from './parquet';

/** A Parquet file as Spark or pandas writes a ratings table: string ids, doubles, int64 times. */
function ratingsParquet(rows: number): Blob {
  const buffer = parquetWriteBuffer({
    columnData: [
      {
        name: 'user_id',
        data: Array.from({ length: rows }, (_, k) => `u${k % 7}`),
        type: 'STRING',
      },
      {
        name: 'item_id',
        data: Array.from({ length: rows }, (_, k) => `i${k % 13}`),
        type: 'STRING',
      },
      {
        name: 'rating',
        data: Array.from({ length: rows }, (_, k) => (k === 3 ? NaN : 1 + (k % 5))),
        type: 'DOUBLE',
      },
      {
        name: 'ts',
        data: BigInt64Array.from({ length: rows }, (_, k) => BigInt(1_500_000_000 + k)),
        type: 'INT64',
      },
    ],
    rowGroupSize: 50,
  });
  return new Blob([buffer]);
}

describe('Parquet import', () => {
  it('recognises the magic number and previews the columns', async () => {
    const blob = ratingsParquet(91);
    expect(isParquet(new Uint8Array(await blob.slice(0, 4).arrayBuffer()))).toBe(true);
    expect(isParquet(new TextEncoder().encode('user,item'))).toBe(false);
    const p = await previewParquet(blobBuffer(blob), 2);
    expect(p.header).toEqual(['user_id', 'item_id', 'rating', 'ts']);
    expect(p.rows).toEqual([
      ['u0', 'i0', '1', '1500000000'],
      ['u1', 'i1', '2', '1500000001'],
    ]);
  });

  it('reads every row across row groups into the dataset; a bad rating is reported by row', async () => {
    const progress: number[] = [];
    const d = await readParquetInteractions(
      blobBuffer(ratingsParquet(91)),
      {
        name: 'ratings.parquet',
        hasHeader: true,
        mapping: { user: 0, item: 1, rating: 2, timestamp: 3 },
      },
      (p) => progress.push(p.rows),
    );
    expect(d.user.length).toBe(90);
    expect(d.skippedRows).toBe(1);
    expect(d.issues[0].line).toBe(4);
    expect(d.userIds).toHaveLength(7);
    expect(d.itemIds).toHaveLength(13);
    expect(d.timestamp![0]).toBe(1_500_000_000);
    expect(d.kind).toBe('explicit');
    expect(progress.at(-1)).toBe(91);
  });
});
