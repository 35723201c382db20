/**
 * Embeddings trained elsewhere: Spark ALS factors and TensorBoard projector files (issue 7), and
 * Spark's own folders chosen as folders (issue 17).
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LabPage } from './lab-page';
import { alsModelFolder, awkwardVectors, type AlsFixture } from '../src/core/data/spark-fixtures';

test('Spark ALS factor files (userFactors, itemFactors) are explored: map, neighbours, recommendations', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open('?sample=none');
  const rows = (n: number, seed: number) =>
    Array.from({ length: n }, (_, k) =>
      JSON.stringify({
        id: k + 1,
        features: Array.from({ length: 8 }, (_, a) => Math.sin(seed * 7 + k * 3 + a)),
      }),
    ).join('\n');
  await page.getByLabel('Embeddings files (Spark ALS factors, TensorBoard TSV)').setInputFiles([
    {
      name: 'userFactors-part-00000.json',
      mimeType: 'application/json',
      buffer: Buffer.from(rows(40, 1)),
    },
    {
      name: 'itemFactors-part-00000.json',
      mimeType: 'application/json',
      buffer: Buffer.from(rows(30, 2)),
    },
    {
      name: 'itemFactors-part-00001.json',
      mimeType: 'application/json',
      buffer: Buffer.from(rows(0, 3)),
    },
  ]);
  const s = await lab.until((x) => x.projection.status === 'done' && x);
  expect(s.dataset).toMatchObject({ name: 'Spark ALS factors', users: 40, items: 30, rows: 0 });
  expect(s.projection.counts).toMatchObject({ user: 40, item: 30 });
  await page.getByLabel('Search').fill('user 7');
  await page.getByRole('button', { name: /user User 7$/ }).click();
  const sel = await lab.until((x) => x.selection?.kind === 'user' && x.selection);
  expect(sel.neighbors).toHaveLength(10);
  expect(sel.recommendations).toHaveLength(10);
});

test('TensorBoard files exported by the app import back with the same vectors (same neighbours)', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  await page.getByLabel('Projection').selectOption('PCA');
  await lab.train(1);
  await lab.until((x) => x.projection.status === 'done');
  const neighboursOfToyStory = () =>
    lab.neighbourIds('Toy Story (1995)', /item Toy Story \(1995\)$/, '1');
  // The vectors' own neighbours: imported vectors carry no interactions to filter or shrink by.
  await page.getByLabel('Similarity').selectOption('cosine');
  await lab.setNumber('Minimum support', 1);
  const before = await neighboursOfToyStory();
  const files = await lab.exportForTensorBoard();
  await page.getByLabel('Embeddings files (Spark ALS factors, TensorBoard TSV)').setInputFiles(
    ['vectors.tsv', 'metadata.tsv'].map((name) => ({
      name,
      mimeType: 'text/tab-separated-values',
      buffer: Buffer.from(files[name]),
    })),
  );
  const s = await lab.until(
    (x) => x.dataset?.name === 'vectors.tsv' && x.projection.status === 'done' && x,
  );
  expect(s.dataset).toMatchObject({ users: 610, items: 9724, rows: 0 });
  expect(await neighboursOfToyStory()).toEqual(before);
});

/** The vectors of one kind in an exported vectors.tsv / metadata.tsv, by id, as float32. */
function exported(files: Record<string, string>, kind: string, dim: number) {
  const vectors = files['vectors.tsv'].trimEnd().split('\n');
  const meta = files['metadata.tsv'].trimEnd().split('\n').slice(1);
  const ids: string[] = [];
  const values: number[] = [];
  meta.forEach((line, p) => {
    const [type, id] = line.split('\t');
    if (type !== kind) return;
    ids.push(id);
    const row = vectors[p].split('\t').map(Number);
    expect(row).toHaveLength(dim);
    values.push(...row);
  });
  return { ids, vectors: Float32Array.from(values) };
}

test('a Spark ALSModel.save folder (snappy Parquet parts) chosen as a folder opens with its users, items and identical vectors', async ({
  page,
}, testInfo) => {
  const ids = (n: number, step: number) => Int32Array.from({ length: n }, (_, k) => 1 + k * step);
  // The model folder's name says "user" and "item": only the folders named userFactors /
  // itemFactors decide a side, so metadata/part-00000 is not read as factor rows.
  const model: AlsFixture = {
    root: 'user_item_als',
    dim: 8,
    userIds: ids(40, 3),
    userVectors: awkwardVectors(40, 8, 1),
    itemIds: ids(30, 7),
    itemVectors: awkwardVectors(30, 8, 2),
    userParts: 2,
    itemParts: 3,
  };
  const root = testInfo.outputPath('spark');
  for (const f of alsModelFolder(model)) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.bytes);
  }
  const lab = new LabPage(page);
  await lab.open('?sample=none');
  await page.getByLabel(/^Embeddings folder/).setInputFiles(join(root, 'user_item_als'));
  const s = await lab.until((x) => x.projection.status === 'done' && x);
  expect(s.errors).toEqual([]);
  expect(s.dataset).toMatchObject({
    name: 'user_item_als (Spark ALSModel)',
    users: 40,
    items: 30,
    rows: 0,
  });
  expect(s.projection.counts).toMatchObject({ user: 40, item: 30 });
  await expect(
    page.getByText(
      /Spark ALSModel \(Spark 3\.5\.1\), rank 8, users by "userId", items by "movieId": 40 users from 2 part files and 30 items from 3 part files/,
    ),
  ).toBeVisible();
  // The vectors, through the app's float32-exact export, are the ones Spark wrote.
  const files = await lab.exportForTensorBoard();
  const users = exported(files, 'user', 8);
  const items = exported(files, 'item', 8);
  expect(users.ids).toEqual(Array.from(model.userIds, String));
  expect(items.ids).toEqual(Array.from(model.itemIds, String));
  expect(users.vectors).toEqual(model.userVectors);
  expect(items.vectors).toEqual(model.itemVectors);
});
