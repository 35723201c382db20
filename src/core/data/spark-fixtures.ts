/**
 * Test data: a folder as Spark 3.x's `ALSModel.save(path)` writes it on a local file system, for
 * the folder reader's unit tests and the e2e spec. Part files are Parquet the way Spark's
 * writer lays them out: `id` a required INT32, `features` an optional LIST of required FLOAT in
 * the standard 3-level encoding (`features` / `list` / `element`), every column chunk snappy-
 * compressed, named `part-0000N-<job uuid>-c000.snappy.parquet`, with `_SUCCESS` and Hadoop's
 * `.crc` checksum files beside them. Written with hyparquet-writer (a devDependency).
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import { ALS_MODEL_CLASS } from './factor-folder';

export interface FixtureFile {
  path: string;
  bytes: Uint8Array;
}

// The writer bundles its own hyparquet, whose schema type differs from the reader's.
type WriterSchema = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>;

/** Spark's schema for a factor DataFrame (`id: int`, `features: array<float>`), as Parquet. */
export const SPARK_FACTOR_SCHEMA: WriterSchema = [
  { name: 'spark_schema', num_children: 2 },
  { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
  {
    name: 'features',
    repetition_type: 'OPTIONAL',
    num_children: 1,
    converted_type: 'LIST',
    logical_type: { type: 'LIST' },
  },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
];

/** The Spark SQL schema Spark stores in every Parquet footer it writes. */
const ROW_METADATA = JSON.stringify({
  type: 'struct',
  fields: [
    { name: 'id', type: 'integer', nullable: false, metadata: {} },
    {
      name: 'features',
      type: { type: 'array', elementType: 'float', containsNull: false },
      nullable: true,
      metadata: {},
    },
  ],
});

/** One part file: rows `ids[k]` with `vectors[k * dim ..]` (float32). */
export function sparkFactorPart(ids: Int32Array, vectors: Float32Array, dim: number): Uint8Array {
  const features = Array.from(ids, (_, k) => Array.from(vectors.subarray(k * dim, (k + 1) * dim)));
  const buffer = parquetWriteBuffer({
    schema: SPARK_FACTOR_SCHEMA,
    codec: 'SNAPPY',
    columnData: [
      { name: 'id', data: ids },
      { name: 'features', data: features },
    ],
    kvMetadata: [
      { key: 'org.apache.spark.version', value: '3.5.1' },
      { key: 'org.apache.spark.sql.parquet.row.metadata', value: ROW_METADATA },
    ],
  });
  return new Uint8Array(buffer);
}

/** Bytes standing in for a Hadoop checksum file (its content is never read). */
const crc = (n: number) => Uint8Array.from([0x63, 0x72, 0x63, 0, 0, 0, 2, 0, n & 0xff]);

/** A factor folder (`userFactors/` or `itemFactors/`): rows split over `parts` part files. */
function factorFolder(
  folder: string,
  ids: Int32Array,
  vectors: Float32Array,
  dim: number,
  parts: number,
  uuid: string,
): FixtureFile[] {
  const out: FixtureFile[] = [
    { path: `${folder}/_SUCCESS`, bytes: new Uint8Array(0) },
    { path: `${folder}/._SUCCESS.crc`, bytes: crc(0) },
  ];
  const per = Math.ceil(ids.length / parts);
  for (let p = 0; p < parts; p++) {
    const [a, b] = [Math.min(ids.length, p * per), Math.min(ids.length, (p + 1) * per)];
    const name = `part-${String(p).padStart(5, '0')}-${uuid}-c000.snappy.parquet`;
    const bytes = sparkFactorPart(ids.subarray(a, b), vectors.subarray(a * dim, b * dim), dim);
    out.push(
      { path: `${folder}/${name}`, bytes },
      { path: `${folder}/.${name}.crc`, bytes: crc(p) },
    );
  }
  return out;
}

export interface AlsFixture {
  /** The model folder's name, e.g. `user_item_als` (a name that says "user" and "item"). */
  root: string;
  dim: number;
  userIds: Int32Array;
  userVectors: Float32Array;
  itemIds: Int32Array;
  itemVectors: Float32Array;
  userParts?: number;
  itemParts?: number;
  /** Leave out `metadata/`: a pair of factor folders rather than a saved model. */
  noMetadata?: boolean;
}

/** Every file `ALSModel.save(root)` leaves, paths starting with `root/`. */
export function alsModelFolder(f: AlsFixture): FixtureFile[] {
  const metadata = JSON.stringify({
    class: ALS_MODEL_CLASS,
    timestamp: 1718000000000,
    sparkVersion: '3.5.1',
    uid: 'ALS_5f1c1a2b3c4d',
    paramMap: { userCol: 'userId', itemCol: 'movieId', coldStartStrategy: 'drop' },
    defaultParamMap: {
      blockSize: 4096,
      predictionCol: 'prediction',
      userCol: 'user',
      itemCol: 'item',
      coldStartStrategy: 'nan',
    },
    rank: f.dim,
  });
  const text = new TextEncoder();
  const files = [
    ...(f.noMetadata
      ? []
      : [
          { path: 'metadata/part-00000', bytes: text.encode(metadata + '\n') },
          { path: 'metadata/.part-00000.crc', bytes: crc(9) },
          { path: 'metadata/_SUCCESS', bytes: new Uint8Array(0) },
        ]),
    ...factorFolder(
      'userFactors',
      f.userIds,
      f.userVectors,
      f.dim,
      f.userParts ?? 1,
      '2f1d7e52-0c2b-4a8e-9d55-5a0d6f3b8c11',
    ),
    ...factorFolder(
      'itemFactors',
      f.itemIds,
      f.itemVectors,
      f.dim,
      f.itemParts ?? 1,
      '8b3a9c04-6e1f-4d27-b0a2-93c5e7d1f460',
    ),
  ];
  return files.map((x) => ({ path: `${f.root}/${x.path}`, bytes: x.bytes }));
}

/** Float32 vectors no shorter decimal form can stand for (so a lossy round trip shows). */
export function awkwardVectors(n: number, dim: number, seed: number): Float32Array {
  return Float32Array.from({ length: n * dim }, (_, k) => Math.sin(seed * 7919 + k * 1.618) / 3);
}
