import { test, expect } from '@playwright/test';
import { LabPage } from './lab-page';

test('opens with the MovieLens sample loaded and a webgl backend', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  const s = await lab.sampleLoaded();
  expect(s.dataset).toMatchObject({
    rows: 100836,
    users: 610,
    items: 9724,
    kind: 'explicit',
    skippedRows: 0,
  });
  // 18 genres + IMAX from movies.csv, and the 323 tags of tags.csv used on at least 3 films.
  expect(s.dataset!.itemFeatures).toBe(342);
  expect(s.training.backend).toBe('webgl');
  await expect(page.getByText('MovieLens latest-small (sample)')).toBeVisible();
  await expect(page.getByText('100,836')).toBeVisible();
});

test('?sample=none opens with no data set', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('?sample=none');
  await lab.until((s) => s.training.backend !== null);
  expect((await lab.snapshot()).dataset).toBeNull();
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeDisabled();
});

test('trains 2 epochs on webgl, beats the global mean, projects, and a clicked point shows neighbours', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  await lab.chooseEngine('webgl'); // Automatic may take tfjs wasm ('cpu')
  const s = await lab.train(2);
  expect(s.training.error).toBeNull();
  expect(s.training.status).toBe('done');
  expect(s.training.backend).toBe('webgl');
  expect(s.training.history.map((h) => h.epoch)).toEqual([1, 2]);
  const [e1, e2] = s.training.history;
  const baseline = s.training.baselines!.globalMeanRmse;
  expect(baseline).toBeGreaterThan(1);
  expect(e2.rmse!).toBeLessThan(baseline);
  expect(e2.rmse!).toBeLessThan(e1.rmse!);
  expect(e2.trainLoss).toBeLessThan(e1.trainLoss);
  expect(s.training.rowsPerSecond!).toBeGreaterThan(0);
  // The epochs are scored on the validation part; the test part once, at the epoch chosen on
  // validation, with a ranking report (all 9,724 items scored, seen items excluded).
  expect(s.training.history.every((h) => h.split === 'validation')).toBe(true);
  expect(e2.ranking).toBeUndefined();
  const test = s.training.test!;
  expect(test.epoch).toBe(e2.rmse! < e1.rmse! ? 2 : 1);
  expect(test.rows).toBeGreaterThan(15000);
  expect(test.rmse!).toBeLessThan(baseline);
  expect(test.k).toBe(20);
  expect(test.recallAtK!).toBeGreaterThanOrEqual(0);
  expect(test.recallAtK!).toBeLessThanOrEqual(1);
  expect(test.auc!).toBeGreaterThan(0.5);
  expect(s.runs[0].bestRmse).toBe(test.rmse);
  await lab.openPanel('Training curves');
  await expect(page.getByText(/Precision@10 0\.\d{4}/)).toBeVisible();
  await expect(page.getByText('Validation error')).toBeVisible();
  await lab.closePanel('Training curves');

  // The projection runs automatically after training (UMAP, 3D).
  const p = await lab.until(
    (x) => x.projection.status === 'done' && x.projection.epoch === 2 && x.projection,
  );
  expect(p).toMatchObject({
    method: 'umap',
    dims: 3,
    points: 10334,
    counts: { user: 610, item: 9724 },
  });
  await expect.poll(() => lab.canvasInk()).toBeGreaterThan(2000);

  // Click Toy Story where it is drawn, as a person would.
  await page.waitForTimeout(500);
  const pos = await page.evaluate(() => window.__lab.screenPosition('item', '1'));
  expect(pos).not.toBeNull();
  const canvas = page.getByTestId('embedding-canvas');
  await canvas.click({ position: pos! });
  const sel = await lab.until((x) => x.selection);
  expect(sel.kind).toBe('item');
  expect(sel.neighbors.length).toBe(10);
  expect(sel.neighbors[0].score).toBeGreaterThanOrEqual(sel.neighbors[9].score);
  await expect(page.getByRole('list', { name: 'Neighbours' }).getByRole('listitem')).toHaveCount(
    10,
  );

  // A user's card lists 10 recommendations, none of them already rated.
  await page.getByLabel('Search').fill('user 1');
  await page.getByRole('button', { name: /user User 1$/ }).click();
  const user = await lab.until((x) => x.selection?.kind === 'user' && x.selection);
  expect(user.id).toBe('1');
  expect(user.recommendations).toHaveLength(10);
  await expect(
    page.getByRole('list', { name: 'Recommendations' }).getByRole('listitem'),
  ).toHaveCount(10);
});

test('PCA on demand in 2D', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  await lab.setNumber('Epochs', 1);
  await page.getByLabel('Projection').selectOption('PCA');
  await page.getByLabel('Dimensions').selectOption('2D');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const p = await lab.until((x) => x.projection.status === 'done' && x.projection);
  expect(p).toMatchObject({ method: 'pca', dims: 2, points: 10334 });
  await expect.poll(() => lab.canvasInk()).toBeGreaterThan(1000);
  await page.getByLabel('Dimensions').selectOption('3D');
  await page.getByRole('button', { name: 'Project' }).click();
  await lab.until((x) => x.projection.status === 'done' && x.projection.dims === 3);
});

test('pause, resume and stop', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  // Long enough that no engine (the parallel CPU one takes about 0.15 s an epoch here) finishes
  // before Stop.
  await lab.setNumber('Epochs', 1000);
  await lab.setNumber('Batch size', 1024);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await lab.until((s) => s.training.step > 0);
  await page.getByRole('button', { name: 'Pause' }).click();
  await lab.until((s) => s.training.status === 'paused');
  // Steps already handed to an engine (the parallel CPU one queues a few) finish and are
  // counted; then nothing moves while paused.
  let stepAtPause = -1;
  await expect
    .poll(async () => {
      const before = (await lab.snapshot()).training.step;
      await page.waitForTimeout(400);
      stepAtPause = (await lab.snapshot()).training.step;
      return stepAtPause === before;
    })
    .toBe(true);
  await page.waitForTimeout(1500);
  expect((await lab.snapshot()).training.step).toBeLessThanOrEqual(stepAtPause + 1);
  await page.getByRole('button', { name: 'Resume' }).click();
  await lab.until((s) => s.training.status === 'running' && s.training.step > stepAtPause + 1);
  await page.getByRole('button', { name: 'Stop' }).click();
  const s = await lab.until((x) => x.training.status === 'stopped' && x);
  expect(s.training.epoch).toBeLessThan(1000);
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled();
});

test('trains the implicit BPR model for an epoch on webgl and ranks every epoch', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await page.getByLabel('Model', { exact: true }).selectOption('bpr');
  await expect(page.getByText(/Bayesian personalised ranking/)).toBeVisible();
  // Choosing the model applies its measured defaults.
  await expect(page.getByLabel('L2 regularisation')).toHaveValue('0.01');
  await lab.chooseEngine('webgl'); // Automatic may take tfjs wasm ('cpu')
  const s = await lab.train(1);
  expect(s.training.error).toBeNull();
  expect(s.training.backend).toBe('webgl');
  expect(s.training.model).toBe('bpr');
  const [e1] = s.training.history;
  expect(e1.rmse).toBeUndefined();
  expect(e1.k).toBe(20);
  // One epoch of BPR already ranks held-out items far above chance (about 0.002 at k = 20).
  expect(e1.recallAtK!).toBeGreaterThan(0.05);
  expect(e1.split).toBe('validation');
  // AUC comes with the test report, scored once at the end.
  expect(s.training.test!.recallAtK!).toBeGreaterThan(0.05);
  expect(s.training.test!.auc!).toBeGreaterThan(0.8);
});

test('trains the hybrid model on genres and SVD++ for an epoch each on webgl; the runs table compares them', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  const model = page.getByLabel('Model', { exact: true });
  await model.selectOption('hybrid');
  await expect(page.getByTestId('model-description')).toContainText('metadata features');
  await lab.chooseEngine('webgl'); // Automatic may take tfjs wasm ('cpu')
  // The rating defaults of both are dimension 128; 32 keeps two WebGL epochs short here.
  await lab.setNumber('Embedding dimension', 32);
  let s = await lab.train(1);
  expect(s.training.error).toBeNull();
  expect(s.training.backend).toBe('webgl');
  expect(s.training.model).toBe('hybrid');
  expect(s.training.feedback).toBe('explicit');
  // One epoch of the hybrid already beats the global mean (about 1.04 on the sample).
  expect(s.training.history[0].rmse!).toBeLessThan(s.training.baselines!.globalMeanRmse);
  await model.selectOption('svdpp');
  await lab.setNumber('Embedding dimension', 32);
  s = await lab.train(1);
  expect(s.training.error).toBeNull();
  expect(s.training.model).toBe('svdpp');
  expect(s.training.history[0].rmse!).toBeLessThan(s.training.baselines!.globalMeanRmse);
  await expect.poll(async () => (await lab.snapshot()).runs.length).toBe(2);
  s = await lab.snapshot();
  expect(s.runs.map((r) => r.model)).toEqual(['hybrid', 'svdpp']);
  expect(s.runs.every((r) => r.bestRmse !== null && r.secondsPerEpoch > 0)).toBe(true);
  await lab.openPanel('Runs');
  const table = page.getByRole('table', { name: 'Runs on this data set' });
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(table).toContainText('SVD++');
  // The panel names the run with the lower test RMSE (issue 19: which model is best at what).
  const best = s.runs.reduce((x, y) => (y.bestRmse! < x.bestRmse! ? y : x));
  await expect(page.getByLabel('Best run at each criterion')).toContainText(
    `ratings (test RMSE): #${best.id} ${best.model}`,
  );
  // The runs and their curves export as CSV (issue 7).
  const runsCsv = await lab.downloadLines('Export runs CSV');
  expect(runsCsv).toHaveLength(3);
  expect(runsCsv[1]).toMatch(/^1,hybrid,/);
  const curves = await lab.downloadLines('Export curves CSV');
  expect(curves).toHaveLength(1 + 2);
});

test('trains AutoRec on implicit feedback for an epoch on webgl, ranked every epoch', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await page.getByLabel('Model', { exact: true }).selectOption('autorec');
  await page.getByLabel('Feedback').selectOption('implicit');
  // Deep models train on mini-batches of users: the hidden layer is the user's embedding.
  await expect(page.getByLabel('Hidden units')).toBeEnabled();
  await lab.chooseEngine('webgl'); // Automatic may take tfjs wasm ('cpu')
  const s = await lab.train(1);
  expect(s.training.error).toBeNull();
  expect(s.training.backend).toBe('webgl');
  expect(s.training.model).toBe('autorec');
  expect(s.training.feedback).toBe('implicit');
  const [e1] = s.training.history;
  expect(e1.rmse).toBeUndefined();
  // Chance is about 0.002 at k = 20; one epoch already learns popularity and more.
  expect(e1.recallAtK!).toBeGreaterThan(0.05);
  await expect.poll(async () => (await lab.snapshot()).runs.length).toBe(1);
});

test('early stopping ends the run and keeps the best epoch’s embeddings for the map', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  // The hybrid's held-out RMSE on the sample bottoms out around epoch 6 of 10.
  await page.getByLabel('Model', { exact: true }).selectOption('hybrid');
  await page.getByLabel('Projection').selectOption('PCA');
  await lab.setNumber('Early stop after (epochs; 0: off)', 1);
  const s = await lab.train(10);
  expect(s.training.error).toBeNull();
  const stop = s.training.earlyStop!;
  expect(stop.bestEpoch).toBeLessThan(stop.epoch);
  expect(s.training.history).toHaveLength(stop.epoch);
  const rmse = s.training.history.map((h) => h.rmse!);
  expect(Math.min(...rmse)).toBe(rmse[stop.bestEpoch - 1]);
  expect(s.training.history.every((h) => h.split === 'validation')).toBe(true);
  // The test part is scored once, with the parameters of the epoch chosen on validation.
  expect(s.training.test!.epoch).toBe(stop.bestEpoch);
  const p = await lab.until(
    (x) => x.projection.status === 'done' && x.projection.epoch === stop.bestEpoch && x.projection,
  );
  expect(p.epoch).toBe(stop.bestEpoch);
});
