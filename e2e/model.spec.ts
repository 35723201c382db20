import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabPage } from './lab-page';

const SAMPLE_RATINGS = 'public/samples/ml-latest-small/ratings.csv';

/** Toy Story's nearest items in the explorer, by id. */
const neighboursOfToyStory = (lab: LabPage) =>
  lab.neighbourIds('Toy Story (1995)', /item Toy Story \(1995\)$/, '1');

test('a model exported for TensorFlow.js opens again: same neighbours, its run and curves', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  await page.getByLabel('Projection').selectOption('PCA');
  const trained = await lab.train(1);
  await lab.until((x) => x.projection.status === 'done');
  // The export carries no interactions, so the reopened map can only rank by plain cosine
  // without a support filter: compare like with like.
  await page.getByLabel('Similarity').selectOption('cosine');
  await lab.setNumber('Minimum support', 1);
  const before = await neighboursOfToyStory(lab);

  const files: { name: string; bytes: Buffer }[] = [];
  page.on('download', async (d) =>
    files.push({ name: d.suggestedFilename(), bytes: readFileSync((await d.path())!) }),
  );
  await page.getByRole('button', { name: 'Export for TensorFlow.js' }).click();
  await expect.poll(() => files.length).toBe(2);
  const modelJson = JSON.parse(files.find((f) => f.name === 'model.json')!.bytes.toString());
  const weights = files.find((f) => f.name === 'weights.bin')!.bytes;
  // The tfjs layout: a weights manifest whose float32 tensors fill weights.bin exactly.
  const specs: { name: string; shape: number[]; dtype: string }[] =
    modelJson.weightsManifest[0].weights;
  expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
  const floats = specs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  expect(weights.length).toBe(floats * 4);
  expect(specs.find((w) => w.name === 'item_factors')!.shape[0]).toBe(9724);

  // A fresh page without the sample: the export alone brings users, items and the run back.
  await lab.open('?sample=none');
  await page
    .getByLabel('TensorFlow.js export (JSON + weights.bin)')
    .setInputFiles(
      files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: f.bytes })),
    );
  const s = await lab.until((x) => x.projection.status === 'done' && x.runs.length === 1 && x);
  expect(s.dataset).toMatchObject({ users: 610, items: 9724, rows: 0 });
  expect(s.runs[0]).toMatchObject({ model: trained.training.model, epochs: 1 });
  expect(s.runs[0].bestRmse).toBeCloseTo(trained.runs[0].bestRmse!, 6);
  expect(s.training.history).toHaveLength(1);
  expect(await neighboursOfToyStory(lab)).toEqual(before);
  expect(s.errors).toEqual([]);
});

test('the CLI trains the sample headless and the app opens what it wrote', async ({ page }) => {
  const out = mkdtempSync(join(tmpdir(), 'latent-lab-cli-'));
  const log = execFileSync(
    process.execPath,
    [
      'bin/latent-lab.mjs',
      'train',
      SAMPLE_RATINGS,
      '--model',
      'biased-mf',
      '--epochs',
      '2',
      '--out',
      out,
    ],
    { encoding: 'utf8', timeout: 240_000, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  expect(log).toContain('model.json');

  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  const file = (name: string) => ({
    name,
    mimeType: 'application/octet-stream',
    buffer: readFileSync(join(out, name)),
  });
  // Same users and items as the loaded sample: the factors go onto it, interactions kept.
  await page
    .getByLabel('TensorFlow.js export (JSON + weights.bin)')
    .setInputFiles([file('model.json'), file('weights.bin')]);
  const s = await lab.until((x) => x.projection.status === 'done' && x.runs.length === 1 && x);
  expect(s.dataset).toMatchObject({ rows: 100836, users: 610, items: 9724 });
  expect(s.runs[0]).toMatchObject({ model: 'biased-mf', epochs: 2 });
  expect(s.runs[0].bestRmse).toBeLessThan(1.0);
  expect(s.projection.epoch).toBe(2);

  // A user's recommendations exclude what they rated (the sample's interactions are kept).
  await page.getByLabel('Search').fill('user 414');
  await page.getByRole('button', { name: /user User 414$/ }).click();
  const sel = await lab.until((x) => x.selection?.kind === 'user' && x.selection);
  const rated = new Set(
    readFileSync(SAMPLE_RATINGS, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('414,'))
      .map((l) => l.split(',')[1]),
  );
  expect(sel.recommendations!.length).toBeGreaterThan(0);
  for (const r of sel.recommendations!) expect(rated.has(r.id)).toBe(false);

  // The TensorBoard files it wrote open as embeddings.
  await page
    .getByLabel('Embeddings files (Spark ALS factors, TensorBoard TSV)')
    .setInputFiles([file('vectors.tsv'), file('metadata.tsv')]);
  const t = await lab.until((x) => x.dataset?.name === 'vectors.tsv' && x);
  expect(t.dataset).toMatchObject({ users: 610, items: 9724 });
});
