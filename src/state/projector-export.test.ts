import { describe, expect, it } from 'vitest';
import { factorDataset, parseProjectorTsv } from '../core/data/factors';
import { awkwardVectors } from '../core/data/spark-fixtures';
import { pointSpace } from './points';
import { float32Text, projectorFiles } from './projector-export';

/** A data set of imported vectors: `users` x `items` of dimension `dim`. */
function imported(users: number, items: number, dim: number) {
  const ids = (n: number, p: string) => Array.from({ length: n }, (_, k) => `${p}${k}`);
  return factorDataset(
    'tiny',
    { ids: ids(users, 'u'), dim, vectors: awkwardVectors(users, dim, 1) },
    { ids: ids(items, 'i'), dim, vectors: awkwardVectors(items, dim, 2) },
  );
}

const byName = (files: { name: string; text: string }[]) =>
  Object.fromEntries(files.map((f) => [f.name, f.text]));

describe('float32Text', () => {
  it('gives back the same float32 for every value, in at most 9 significant digits', () => {
    const values = awkwardVectors(2000, 1, 3);
    values.set([0, -0, 1, -1e-30, 3.4028234663852886e38, 1.401298464324817e-45, 0.1], 0);
    const back = Float32Array.from(values, (v) => Number(float32Text(v)));
    expect(back).toEqual(values);
    expect(Object.is(back[1], -0)).toBe(true);
    expect(float32Text(1)).toBe('1');
    expect(float32Text(Math.fround(0.1))).toBe('0.100000001');
    expect(float32Text(Math.fround(1 / 3))).toBe('0.333333343');
    expect(float32Text(Math.fround(2e-7))).toBe('2.00000002e-7');
    // The old 7 digits lose most values; the test would see it.
    const seven = Float32Array.from(values, (v) => Number(v.toPrecision(7)));
    expect(seven).not.toEqual(values);
  });
});

describe('projectorFiles', () => {
  it('export then the app’s own import gives the identical float32 vectors', () => {
    const { dataset: d, snapshot: s } = imported(30, 50, 8);
    const f = byName(projectorFiles(d, s, pointSpace(d, s), 'tiny'));
    const back = parseProjectorTsv(f['vectors.tsv'], f['metadata.tsv']);
    expect(back.users.ids).toEqual(d.userIds);
    expect(back.items.ids).toEqual(d.itemIds);
    expect(back.users.vectors).toEqual(s.userFactors);
    expect(back.items.vectors).toEqual(s.itemFactors);
  });

  it('writes the plugin’s text protobuf with relative paths and the JSON with a base URL', () => {
    const { dataset: d, snapshot: s } = imported(2, 3, 4);
    const files = projectorFiles(d, s, pointSpace(d, s), 'say "hi"\\ \n', 'https://h.example/x');
    expect(files.map((x) => x.name)).toEqual([
      'vectors.tsv',
      'metadata.tsv',
      'projector_config.pbtxt',
      'projector_config.json',
    ]);
    const f = byName(files);
    const body = f['projector_config.pbtxt'].split('\n').filter((l) => !l.startsWith('#'));
    expect(body).toEqual([
      'embeddings {',
      '  tensor_name: "say \\"hi\\"\\\\ \\n"',
      '  tensor_path: "vectors.tsv"',
      '  metadata_path: "metadata.tsv"',
      '}',
      '',
    ]);
    expect(JSON.parse(f['projector_config.json'])).toEqual({
      embeddings: [
        {
          tensorName: 'say "hi"\\ \n',
          tensorShape: [5, 4],
          tensorPath: 'https://h.example/x/vectors.tsv',
          metadataPath: 'https://h.example/x/metadata.tsv',
        },
      ],
    });
    const relative = byName(projectorFiles(d, s, pointSpace(d, s), 't'));
    expect(JSON.parse(relative['projector_config.json']).embeddings[0].tensorPath).toBe(
      'vectors.tsv',
    );
  });

  it('pads a 1-dimensional embedding with a zero column, and says so', () => {
    const { dataset: d, snapshot: s } = imported(2, 3, 1);
    const f = byName(projectorFiles(d, s, pointSpace(d, s), 'one'));
    const rows = f['vectors.tsv']
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows.map((r) => r.length)).toEqual([2, 2, 2, 2, 2]);
    expect(rows.map((r) => r[1])).toEqual(['0', '0', '0', '0', '0']);
    expect(Float32Array.from(rows.slice(0, 3), (r) => Number(r[0]))).toEqual(s.itemFactors);
    expect(JSON.parse(f['projector_config.json']).embeddings[0].tensorShape).toEqual([5, 2]);
    expect(f['projector_config.pbtxt']).toMatch(/^# The embedding has 1 dimension/m);
  });
});
