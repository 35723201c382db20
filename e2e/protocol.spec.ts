import { expect, test } from '@playwright/test';
import { LabPage } from './lab-page';

test('5-fold cross-validation of biased MF: per-fold rows and mean ± sd in the runs table', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  await lab.setNumber('Folds', 5);
  await page.getByLabel('Projection').selectOption('PCA');
  await lab.chooseEngine('webgl'); // Automatic may take tfjs wasm ('cpu')
  const s = await lab.train(1);
  expect(s.training.error).toBeNull();
  expect(s.training.backend).toBe('webgl');
  expect(s.training.status).toBe('done');
  const folds = s.training.folds!;
  expect(folds.k).toBe(5);
  expect(folds.done).toBe(5);
  expect(folds.mean.rmse).toBeGreaterThan(0.8);
  expect(folds.mean.rmse).toBeLessThan(1.1);
  expect(folds.sd.rmse).toBeGreaterThan(0);
  expect(folds.sd.rmse).toBeLessThan(0.05);
  // The last fold's curve is drawn: one epoch on its validation part.
  expect(s.training.history).toHaveLength(1);
  expect(s.training.history[0].split).toBe('validation');

  const run = await lab.until((x) => x.runs.length === 1 && x.runs[0]);
  expect(run.bestRmse).toBeCloseTo(folds.mean.rmse, 10);
  await lab.openPanel('Runs');
  const table = page.getByRole('table', { name: 'Runs on this data set' });
  await expect(table.getByText(/^\d\.\d{4} ± \d\.\d{4}$/).first()).toBeVisible();
  await page.getByText('Per-fold results').click();
  const perFold = page.getByRole('table', { name: 'Each fold of the cross-validated runs' });
  await expect(perFold.getByRole('row')).toHaveCount(1 + 5);
});

test('without a validation part the run keeps its last epoch and says so', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  await lab.setNumber('Validation fraction', 0);
  await page.getByLabel('Projection').selectOption('PCA');
  const s = await lab.train(2);
  expect(s.training.error).toBeNull();
  expect(s.training.history.map((h) => h.split)).toEqual(['test', 'test']);
  expect(s.training.test!.epoch).toBe(2);
  expect(s.training.test!.rmse).toBe(s.training.history[1].rmse);
  await lab.openPanel('Training curves');
  await expect(page.getByText(/no validation part: the last epoch is kept/)).toBeVisible();
  await expect(page.getByText('Test error')).toBeVisible();
});

test('Tune: successive halving on validation, every trial a run, the best settings applied', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  await lab.setNumber('Epochs', 2);
  await lab.setNumber('Trials', 3);
  await lab.chooseEngine('webgl'); // Automatic may take tfjs wasm ('cpu')
  await page.getByRole('button', { name: 'Tune', exact: true }).click();
  const s = await lab.until(
    (x) => x.training.status === 'done' && x.training.tuning?.status === 'done' && x,
    300_000,
  );
  expect(s.training.error).toBeNull();
  expect(s.training.backend).toBe('webgl');
  const tuning = s.training.tuning!;
  // Three trials of 1 epoch, then the best of them for 2 epochs.
  expect(tuning.done).toBe(4);
  expect(s.runs.map((r) => r.trial?.rung)).toEqual([0, 0, 0, 1]);
  expect(s.runs.every((r) => r.bestRmse !== null)).toBe(true);
  expect(tuning.best!.id).toBe(s.runs[3].trial!.id);
  expect(s.runs[3].config.epochs).toBe(2);
  // The first trial is the settings as they were; the best are offered.
  const best = tuning.best!.settings;
  await page.getByRole('button', { name: 'Apply best settings' }).click();
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue(
    String(best.learningRate),
  );
  await expect(page.getByLabel('Embedding dimension', { exact: true })).toHaveValue(
    String(best.dim),
  );
});
