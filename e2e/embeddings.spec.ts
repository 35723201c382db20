/** Embeddings trained elsewhere: Spark ALS factors and TensorBoard projector files (issue 7). */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { LabPage } from './lab-page';

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
  await page.getByLabel('Projection').selectOption('PCA');
  await lab.train(1);
  await lab.until((x) => x.projection.status === 'done');
  const neighboursOfToyStory = () =>
    lab.neighbourIds('Toy Story (1995)', /item Toy Story \(1995\)$/, '1');
  // The vectors' own neighbours: imported vectors carry no interactions to filter or shrink by.
  await page.getByLabel('Similarity').selectOption('cosine');
  await lab.setNumber('Minimum support', 1);
  const before = await neighboursOfToyStory();
  const files: { name: string; bytes: Buffer }[] = [];
  page.on('download', async (d) => {
    const path = await d.path();
    files.push({
      name: d.suggestedFilename(),
      bytes: readFileSync(path!),
    });
  });
  await page.getByRole('button', { name: 'Export for TensorBoard' }).click();
  await expect.poll(() => files.length).toBe(3);
  await page
    .getByLabel('Embeddings files (Spark ALS factors, TensorBoard TSV)')
    .setInputFiles(
      files
        .filter((f) => f.name.endsWith('.tsv'))
        .map((f) => ({ name: f.name, mimeType: 'text/tab-separated-values', buffer: f.bytes })),
    );
  const s = await lab.until(
    (x) => x.dataset?.name === 'vectors.tsv' && x.projection.status === 'done' && x,
  );
  expect(s.dataset).toMatchObject({ users: 610, items: 9724, rows: 0 });
  expect(await neighboursOfToyStory()).toEqual(before);
});
