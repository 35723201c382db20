import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProjectorTsv } from '../core/data/factors';
import { readModelArtifacts } from '../core/models/artifacts';
import { mulberry32 } from '../core/util/random';
import { main } from './main';
import type { Terminal } from './progress';

const dir = mkdtempSync(join(tmpdir(), 'latent-lab-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const USERS = 24;
const ITEMS = 30;

/** A small explicit data set: every user rates 12 of 30 items, half stars, with timestamps. */
function ratingsCsv(): string {
  const random = mulberry32(3);
  const lines = ['userId,movieId,rating,timestamp'];
  for (let u = 1; u <= USERS; u++)
    for (let k = 0; k < 12; k++) {
      const item = 100 + ((u * 7 + k * 5) % ITEMS);
      const stars = 1 + Math.round(random() * 8) / 2;
      lines.push(`${u},${item},${stars.toFixed(1)},${964982703 + u * 1000 + k}`);
    }
  return lines.join('\n') + '\n';
}

function moviesCsv(): string {
  const lines = ['movieId,title,genres'];
  for (let i = 0; i < ITEMS; i++)
    lines.push(`${100 + i},"Film ${i}, The (199${i % 10})",${i % 2 ? 'Drama' : 'Comedy|Action'}`);
  return lines.join('\n') + '\n';
}

/** A stream that keeps what is written (a TTY or not). */
function capture(isTTY = false): Terminal & { text: string } {
  const t = { text: '', isTTY, columns: 100, write: (s: string) => (t.text += s) };
  return t;
}

describe('latent-lab tune', () => {
  it('searches on validation, prints each trial and the best as train options, writes runs.csv', async () => {
    const ratings = join(dir, 'tune.csv');
    writeFileSync(ratings, ratingsCsv());
    const out = join(dir, 'tune-out');
    const [stdout, stderr] = [capture(), capture()];
    const argv = ['tune', ratings, '--trials', '3', '--epochs', '3', '--dim', '4', '--out', out];
    expect(await main(argv, { stdout, stderr })).toBe(0);
    const trials = stderr.text.match(
      /^trial \d \(rung \d, \d epochs?\) .*validation RMSE \d\.\d{4}$/gm,
    );
    expect(trials).toHaveLength(4);
    expect(trials![0]).toContain('--lr 0.02 --l2 0.15 --dim 4 --epochs 1'); // the settings first
    expect(trials![3]).toMatch(/^trial 4 \(rung 2, 3 epochs\)/);
    expect(stdout.text).toMatch(
      /^best on validation: --lr [\d.e-]+ --l2 [\d.e-]+ --dim \d+ --epochs 3 \(validation RMSE \d\.\d{4}, trial 4 of 4\)/m,
    );
    const lines = readFileSync(join(out, 'runs.csv'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1 + 4);
  });

  it('refuses a search without a validation part', async () => {
    const stderr = capture();
    const argv = ['tune', join(dir, 'tune.csv'), '--validation', '0', '--out', join(dir, 'x')];
    expect(await main(argv, { stdout: capture(), stderr })).toBe(1);
    expect(stderr.text).toMatch(/validation part/);
  });
});

describe('latent-lab train', () => {
  it('cross-validates with --folds: one training per fold, the mean ± sd reported', async () => {
    const ratings = join(dir, 'folds.csv');
    writeFileSync(ratings, ratingsCsv());
    const out = join(dir, 'folds-out');
    const [stdout, stderr] = [capture(), capture()];
    const argv = ['train', ratings, '--folds', '3', '--epochs', '1', '--dim', '4', '--out', out];
    expect(await main(argv, { stdout, stderr })).toBe(0);
    expect(stderr.text.match(/^fold \d of 3$/gm)).toEqual([
      'fold 1 of 3',
      'fold 2 of 3',
      'fold 3 of 3',
    ]);
    expect(stdout.text).toMatch(
      /^test RMSE \d\.\d{4} ± \d\.\d{4} \(MAE \d\.\d{4} ± \d\.\d{4}\) over 3 of 3 folds/m,
    );
    const [head, row] = readFileSync(join(out, 'runs.csv'), 'utf8').trim().split('\n');
    const cell = (name: string) => row.split(',')[head.split(',').indexOf(name)];
    expect(cell('folds')).toBe('3');
    expect(Number(cell('test_rmse_sd'))).toBeGreaterThan(0);
    // The temporal split cannot be cut into folds, and says so.
    const failed = capture();
    const code = await main(argv.concat(['--split', 'temporal']), {
      stdout: capture(),
      stderr: failed,
    });
    expect(code).toBe(1);
    expect(failed.text).toMatch(/cannot be cut into folds/);
  });

  it('trains on a small ratings file and writes every output, each readable back', async () => {
    const ratings = join(dir, 'ratings.csv');
    writeFileSync(ratings, ratingsCsv());
    writeFileSync(join(dir, 'movies.csv'), moviesCsv());
    const out = join(dir, 'out');
    const [stdout, stderr] = [capture(), capture()];
    const code = await main(
      ['train', ratings, '--epochs', '2', '--dim', '4', '--batch-size', '64', '--top', '5'].concat([
        '--items',
        join(dir, 'movies.csv'),
        '--out',
        out,
        '--projector-url',
        'https://example.org/runs/1',
      ]),
      { stdout, stderr },
    );
    expect(stderr.text).not.toMatch(/latent-lab:/);
    expect(code).toBe(0);

    // Progress: no carriage returns off a TTY, one line per epoch, the backend named (wasm by
    // default where tfjs-node is not installed, as here).
    expect(stderr.text).not.toContain('\r');
    expect(stderr.text).toMatch(
      /^epoch 1\/2 {2}loss \d+\.\d{4} {2}validation RMSE \d\.\d{4} {2}MAE/m,
    );
    expect(stderr.text).toMatch(/^epoch 2\/2 /m);
    expect(stderr.text).toMatch(/^backend: wasm: tfjs wasm \(SIMD, 1 thread\)/m);
    expect(stderr.text).toMatch(/^read ratings\.csv: 288 ratings .*24 users, 30 items/m);
    expect(stdout.text).toMatch(
      /^test RMSE \d\.\d{4} \(MAE \d\.\d{4}\) at epoch [12], chosen on validation; 2 epochs/m,
    );

    const file = (name: string) => readFileSync(join(out, name));
    const text = (name: string) => file(name).toString('utf8');
    for (const name of [
      'model.json',
      'weights.bin',
      'vectors.tsv',
      'metadata.tsv',
      'projector_config.pbtxt',
      'projector_config.json',
      'recommendations.csv',
      'runs.csv',
      'curves.csv',
    ])
      expect(stdout.text).toContain(join(out, name));

    const bin = file('weights.bin');
    const model = readModelArtifacts(
      text('model.json'),
      bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer,
    );
    expect(model.model).toBe('biased-mf');
    expect(model.config.epochs).toBe(2);
    expect(model.dataset.userIds).toHaveLength(USERS);
    expect(model.dataset.itemIds).toHaveLength(ITEMS);
    expect(model.dataset.itemLabels).toContain('Film 3, The (1993)');
    expect(model.snapshot.dim).toBe(4);
    expect(model.snapshot.userFactors).toHaveLength(USERS * 4);
    expect(model.snapshot.itemFactors).toHaveLength(ITEMS * 4);
    expect(model.snapshot.userFactors.every(Number.isFinite)).toBe(true);

    const tsv = parseProjectorTsv(text('vectors.tsv'), text('metadata.tsv'));
    expect(tsv.users.ids).toEqual(model.dataset.userIds);
    expect(tsv.items.ids).toEqual(model.dataset.itemIds);
    expect(tsv.items.dim).toBe(4);
    expect(tsv.itemLabels).toContain('Film 3, The (1993)');
    // The TSV holds the very float32 values of weights.bin.
    expect(tsv.items.vectors).toEqual(model.snapshot.itemFactors);
    expect(tsv.users.vectors).toEqual(model.snapshot.userFactors);
    expect(JSON.parse(text('projector_config.json')).embeddings[0]).toEqual({
      tensorName: 'biased-mf embeddings',
      tensorShape: [ITEMS + USERS, 4],
      tensorPath: 'https://example.org/runs/1/vectors.tsv',
      metadataPath: 'https://example.org/runs/1/metadata.tsv',
    });
    // TensorBoard's plugin reads the text protobuf, its paths relative to the log directory.
    expect(text('projector_config.pbtxt')).toMatch(
      /^embeddings \{\n {2}tensor_name: "biased-mf embeddings"\n {2}tensor_path: "vectors\.tsv"\n {2}metadata_path: "metadata\.tsv"\n\}\n$/m,
    );

    // Every user has 18 unseen items, so exactly k = 5 each.
    const recs = text('recommendations.csv').trim().split('\n');
    expect(recs[0]).toBe('user,rank,item,score');
    expect(recs).toHaveLength(1 + USERS * 5);
    expect(recs[1]).toMatch(/^1,1,1\d\d,-?\d/);

    expect(text('runs.csv').trim().split('\n')).toHaveLength(2);
    expect(text('runs.csv')).toMatch(/\n1,biased-mf,ratings\.csv,explicit,random,done,2,4,/);
    expect(text('curves.csv').trim().split('\n')).toHaveLength(3);
  });

  it('reads gzip and redraws a progress line on a TTY', async () => {
    const ratings = join(dir, 'ratings.csv.gz');
    writeFileSync(ratings, gzipSync(ratingsCsv()));
    const [stdout, stderr] = [capture(), capture(true)];
    const code = await main(
      [
        'train',
        ratings,
        '--model',
        'bpr',
        '--epochs',
        '1',
        '--dim',
        '2',
        '--batch-size',
        '32',
      ].concat(['--out', join(dir, 'bpr')]),
      { stdout, stderr },
    );
    expect(code).toBe(0);
    expect(stderr.text).toContain('\r');
    expect(stderr.text).toMatch(/\[[= >]{24}\]/);
    expect(stdout.text).toMatch(/^test Recall@20 \d\.\d{4} \(NDCG@20 \d\.\d{4}\)/m);
  });

  it('reads a Parquet file (as Spark writes one) by its column names', async () => {
    const rows = ratingsCsv()
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const path = join(dir, 'part-00000.parquet');
    writeFileSync(
      path,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: 'userId', data: rows.map((r) => Number(r[0])), type: 'INT32' },
            { name: 'movieId', data: rows.map((r) => Number(r[1])), type: 'INT32' },
            { name: 'rating', data: rows.map((r) => Number(r[2])), type: 'DOUBLE' },
          ],
        }),
      ),
    );
    const [stdout, stderr] = [capture(), capture()];
    const argv = ['train', path, '--epochs', '1', '--dim', '2', '--out', join(dir, 'pq')];
    expect(await main(argv, { stdout, stderr })).toBe(0);
    expect(stderr.text).toMatch(/^read part-00000\.parquet: 288 ratings .*24 users, 30 items/m);
    expect(stdout.text).toMatch(
      /^test RMSE \d\.\d{4} \(MAE \d\.\d{4}\) at epoch \d+, chosen on validation/m,
    );
  });

  it.each([
    [['train', join(dir, 'missing.csv')], /^latent-lab: .*missing\.csv: no such file\n$/],
    [['train', 'r.csv', '--epochs', '0'], /^latent-lab: --epochs must be a whole number/],
    [['train', join(dir, 'movies.csv')], /movies\.csv: .*not interactions; pass it with --items/],
  ])('fails with one clear line and exit code 1: %j', async (argv, message) => {
    writeFileSync(join(dir, 'movies.csv'), moviesCsv());
    const [stdout, stderr] = [capture(), capture()];
    expect(await main(argv, { stdout, stderr })).toBe(1);
    expect(stderr.text).toMatch(message);
    expect(stderr.text).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('prints the usage for --help', async () => {
    const [stdout, stderr] = [capture(), capture()];
    expect(await main(['--help'], { stdout, stderr })).toBe(0);
    expect(stdout.text).toMatch(/^Usage: latent-lab train/);
  });
});

describe('latent-lab train --engine', () => {
  it('prints the engine and its rows/s; the row engine reaches the RMSE of tfjs', async () => {
    const ratings = join(dir, 'engine.csv');
    writeFileSync(ratings, ratingsCsv());
    const rmse: Record<string, number> = {};
    for (const engine of ['cpu', 'cpu-parallel']) {
      const [stdout, stderr] = [capture(), capture()];
      const argv = ['train', ratings, '--engine', engine, '--epochs', '3', '--dim', '4'];
      expect(
        await main([...argv, '--out', join(dir, `engine-${engine}`)], { stdout, stderr }),
      ).toBe(0);
      expect(stderr.text).toMatch(new RegExp(`^engine: ${engine}; cpu `, 'm'));
      expect(stderr.text).toMatch(new RegExp(`^trained on ${engine}: [\\d,]+ rows/s$`, 'm'));
      rmse[engine] = Number(/test RMSE (\d\.\d{4})/.exec(stdout.text)![1]);
    }
    // Same batches, loss, L2 and optimizer: the same model up to float rounding.
    expect(Math.abs(rmse.cpu - rmse['cpu-parallel'])).toBeLessThan(0.003);
  }, 120_000);
});
