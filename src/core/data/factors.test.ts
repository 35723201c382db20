import { describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import {
  concatFactors,
  factorDataset,
  parseFactorJsonLines,
  parseProjectorTsv,
  readFactorParquet,
} from './factors';
import { blobBuffer } from './parquet';

describe('Spark ALS factors', () => {
  it('reads df.write.json part files and concatenates them', () => {
    const a = parseFactorJsonLines(
      'part-0.json',
      '{"id":1,"features":[0.5,-1]}\n{"id":7,"features":[2,0]}\n',
    );
    const b = parseFactorJsonLines('part-1.json', '{"id":9,"features":[0,1]}');
    const t = concatFactors('itemFactors', [a, b]);
    expect(t.ids).toEqual(['1', '7', '9']);
    expect(t.dim).toBe(2);
    expect(Array.from(t.vectors)).toEqual([0.5, -1, 2, 0, 0, 1]);
  });

  it('says which row is wrong', () => {
    expect(() =>
      parseFactorJsonLines('p.json', '{"id":1,"features":[1,2]}\n{"id":2,"features":[1]}'),
    ).toThrow(/row 2 \(id 2\) has 1 features, not 2/);
    expect(() => parseFactorJsonLines('p.json', '{"id":1}')).toThrow(/no "id" and "features"/);
  });

  it('reads df.write.parquet: an int id and a list of floats', async () => {
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Int32Array.from([3, 4]), type: 'INT32' },
        {
          name: 'features',
          data: [
            [1, 2, 3],
            [4, 5, 6],
          ],
          type: 'JSON',
        },
      ],
    });
    // Spark writes a LIST column (an array per row); this writer stores the list as JSON text,
    // which is read the same way.
    const t = await readFactorParquet('part-0.parquet', blobBuffer(new Blob([buffer])));
    expect(t.ids).toEqual(['3', '4']);
    expect(Array.from(t.vectors)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('TensorBoard projector files', () => {
  it('sorts rows into users and items by the type column, with labels', () => {
    const vectors = '1\t0\n0\t1\n0.5\t0.5\n9\t9\n';
    const metadata =
      'type\tid\tlabel\nitem\t10\tAlien\nuser\tu1\tUser u1\nitem\t11\tHeat\nfeature\tSci-Fi\tSci-Fi\n';
    const { users, items, itemLabels } = parseProjectorTsv(vectors, metadata);
    expect(users.ids).toEqual(['u1']);
    expect(items.ids).toEqual(['10', '11']);
    expect(itemLabels).toEqual(['Alien', 'Heat']);
    expect(Array.from(items.vectors)).toEqual([1, 0, 0.5, 0.5]);
    const { dataset, snapshot } = factorDataset('vectors.tsv', users, items, itemLabels);
    expect(dataset.user.length).toBe(0);
    expect(snapshot.dim).toBe(2);
  });

  it('reads vectors alone as items, and rejects a ragged row', () => {
    const { items, users } = parseProjectorTsv('1\t2\n3\t4\n', null);
    expect(items.ids).toEqual(['0', '1']);
    expect(users.ids).toEqual([]);
    expect(() => parseProjectorTsv('1\t2\n3\n', null)).toThrow(/line 2 has 1 values/);
  });
});
