import { describe, expect, it } from 'vitest';
import { parquetMetadata } from 'hyparquet';
import {
  isBookkeeping,
  isMetadataPath,
  parseAlsMetadata,
  planFactorFolder,
  readFactorFolder,
  sideOf,
  type FolderEntry,
} from './factor-folder';
import {
  alsModelFolder,
  awkwardVectors,
  type AlsFixture,
  type FixtureFile,
} from './spark-fixtures';

const entries = (files: FixtureFile[]): FolderEntry[] =>
  files.map((f) => ({
    path: f.path,
    size: f.bytes.length,
    text: () => Promise.resolve(new TextDecoder().decode(f.bytes)),
    buffer: () => ({
      byteLength: f.bytes.length,
      slice: (a, b) => Promise.resolve(f.bytes.slice(a, b).buffer),
    }),
  }));

const ids = (n: number, step: number) => Int32Array.from({ length: n }, (_, k) => 1 + k * step);

const model = (over: Partial<AlsFixture> = {}): AlsFixture => ({
  root: 'user_item_als',
  dim: 5,
  userIds: ids(7, 3),
  userVectors: awkwardVectors(7, 5, 1),
  itemIds: ids(4, 11),
  itemVectors: awkwardVectors(4, 5, 2),
  userParts: 2,
  itemParts: 5,
  ...over,
});

describe('the fixture is Parquet as Spark writes it', () => {
  it('INT32 id, features as a 3-level LIST of FLOAT, snappy, Spark part names', () => {
    const parts = alsModelFolder(model()).filter((f) => f.path.endsWith('.snappy.parquet'));
    expect(parts.map((f) => f.path.split('/').slice(1).join('/'))).toEqual([
      ...[0, 1].map(
        (p) => `userFactors/part-0000${p}-2f1d7e52-0c2b-4a8e-9d55-5a0d6f3b8c11-c000.snappy.parquet`,
      ),
      ...[0, 1, 2, 3, 4].map(
        (p) => `itemFactors/part-0000${p}-8b3a9c04-6e1f-4d27-b0a2-93c5e7d1f460-c000.snappy.parquet`,
      ),
    ]);
    const md = parquetMetadata(parts[0].bytes.slice().buffer);
    expect(md.schema.map((s) => [s.name, s.type, s.repetition_type, s.converted_type])).toEqual([
      ['spark_schema', undefined, undefined, undefined],
      ['id', 'INT32', 'REQUIRED', undefined],
      ['features', undefined, 'OPTIONAL', 'LIST'],
      ['list', undefined, 'REPEATED', undefined],
      ['element', 'FLOAT', 'REQUIRED', undefined],
    ]);
    const chunks = md.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data));
    expect(chunks.map((c) => [c?.path_in_schema.join('.'), c?.codec])).toEqual([
      ['id', 'SNAPPY'],
      ['features.list.element', 'SNAPPY'],
    ]);
  });
});

describe('deciding what each file is', () => {
  it('takes the side from a folder named exactly userFactors / itemFactors', () => {
    expect(sideOf('user_item_als/userFactors/part-00000-x-c000.snappy.parquet')).toBe('user');
    expect(sideOf('runs/itemFactors/part-00001-x-c000.snappy.parquet')).toBe('item');
    // A model folder whose name says user and item decides nothing.
    expect(sideOf('user_item_als/metadata/part-00000')).toBeNull();
    expect(sideOf('user_item_als/part-00000')).toBeNull();
    expect(sideOf('userFactors_old/part-00000.json')).toBeNull();
    // A file chosen on its own keeps its name's word.
    expect(sideOf('userFactors-part-00000.json')).toBe('user');
    expect(sideOf('part-00000-x-c000.snappy.parquet')).toBeNull();
    expect(sideOf('user_item.json')).toBeNull();
  });

  it('skips metadata/, _SUCCESS, .crc and hidden files', () => {
    expect(isMetadataPath('user_item_als/metadata/part-00000')).toBe(true);
    expect(isMetadataPath('metadata')).toBe(false);
    expect(isBookkeeping('m/userFactors/_SUCCESS')).toBe(true);
    expect(isBookkeeping('m/userFactors/.part-00000-x-c000.snappy.parquet.crc')).toBe(true);
    expect(isBookkeeping('m/.DS_Store')).toBe(true);
    expect(isBookkeeping('m/userFactors/part-00000-x-c000.snappy.parquet')).toBe(false);
    const plan = planFactorFolder(entries(alsModelFolder(model())));
    expect(plan.metadata.map((e) => e.path)).toEqual(['user_item_als/metadata/part-00000']);
    expect([plan.users.length, plan.items.length, plan.outside]).toEqual([2, 5, []]);
    expect(plan.root).toBe('user_item_als');
  });

  it('reads rank and columns from the metadata, falling back to the defaults', () => {
    const [meta] = alsModelFolder(model()).filter((f) => f.path.endsWith('metadata/part-00000'));
    expect(parseAlsMetadata('m', new TextDecoder().decode(meta.bytes))).toEqual({
      rank: 5,
      userCol: 'userId',
      itemCol: 'movieId',
      sparkVersion: '3.5.1',
    });
    const defaults = JSON.stringify({
      class: 'org.apache.spark.ml.recommendation.ALSModel',
      paramMap: {},
      defaultParamMap: { userCol: 'user', itemCol: 'item' },
      rank: 12,
    });
    expect(parseAlsMetadata('m', defaults)).toMatchObject({ rank: 12, userCol: 'user' });
    expect(parseAlsMetadata('m', '{"class":"org.apache.spark.ml.PipelineModel"}')).toBeNull();
    expect(() => parseAlsMetadata('m', 'PAR1')).toThrow(/not Spark model metadata/);
  });
});

describe('readFactorFolder', () => {
  it('reads an ALSModel.save folder: part files concatenated, vectors identical', async () => {
    const f = model();
    const read = await readFactorFolder(entries(alsModelFolder(f)));
    expect(read.users.ids).toEqual(Array.from(f.userIds, String));
    expect(read.items.ids).toEqual(Array.from(f.itemIds, String));
    expect(read.users.vectors).toEqual(f.userVectors);
    expect(read.items.vectors).toEqual(f.itemVectors);
    expect(read.metadata).toMatchObject({ rank: 5, userCol: 'userId', itemCol: 'movieId' });
    expect(read.name).toBe('user_item_als (Spark ALSModel)');
    expect(read.note).toMatch(
      /^Spark ALSModel \(Spark 3\.5\.1\), rank 5, users by "userId", items by "movieId": 7 users from 2 part files and 4 items from 5 part files, dimension 5; left out 13 bookkeeping files/,
    );
  });

  it('reads a pair of factor folders without metadata', async () => {
    const f = model({ root: 'out', noMetadata: true, userParts: 1, itemParts: 1 });
    const read = await readFactorFolder(entries(alsModelFolder(f)));
    expect(read.metadata).toBeNull();
    expect(read.name).toBe('out (Spark ALS factors)');
    expect([read.users.ids.length, read.items.ids.length]).toEqual([7, 4]);
    // The two folders dropped on their own: paths start at the side folder.
    const bare = alsModelFolder(f).map((x) => ({ ...x, path: x.path.replace(/^out\//, '') }));
    expect((await readFactorFolder(entries(bare))).items.vectors).toEqual(f.itemVectors);
  });

  it('says what is missing or inconsistent', async () => {
    const files = alsModelFolder(model());
    const noItems = files.filter((x) => !x.path.includes('/itemFactors/'));
    await expect(readFactorFolder(entries(noItems))).rejects.toThrow(/no itemFactors found/);
    const loose = files
      .filter((x) => x.path.endsWith('.parquet'))
      .map((x) => ({ ...x, path: x.path.split('/').pop() ?? '' }));
    await expect(readFactorFolder(entries(loose))).rejects.toThrow(
      /choose the folder ALSModel.save wrote/,
    );
    const two = [...files, ...alsModelFolder(model({ root: 'other' }))];
    await expect(readFactorFolder(entries(two))).rejects.toThrow(
      /several models \(other, user_item_als\)/,
    );
    const wrongRank = files.map((x) =>
      x.path.endsWith('metadata/part-00000')
        ? {
            ...x,
            bytes: new TextEncoder().encode(
              new TextDecoder().decode(x.bytes).replace('"rank":5', '"rank":6'),
            ),
          }
        : x,
    );
    await expect(readFactorFolder(entries(wrongRank))).rejects.toThrow(
      /rank 6, the factors have 5/,
    );
  });
});
