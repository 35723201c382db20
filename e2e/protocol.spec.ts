import { expect, test } from '@playwright/test';
import { LabPage } from './lab-page';

test('5-fold cross-validation of biased MF: per-fold rows and mean ± sd in the runs table', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.setNumber('Folds', 5);
  await page.getByLabel('Projection').selectOption('PCA');
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
  await lab.setNumber('Validation fraction', 0);
  await page.getByLabel('Projection').selectOption('PCA');
  const s = await lab.train(2);
  expect(s.training.error).toBeNull();
  expect(s.training.history.map((h) => h.split)).toEqual(['test', 'test']);
  expect(s.training.test!.epoch).toBe(2);
  expect(s.training.test!.rmse).toBe(s.training.history[1].rmse);
  await expect(page.getByText(/no validation part: the last epoch is kept/)).toBeVisible();
  await expect(page.getByText('Test error')).toBeVisible();
});
