/** The session survives a reload (IndexedDB), and "Start fresh" forgets it (issue 7). */
import { expect, test } from '@playwright/test';
import { LabPage } from './lab-page';

test('a reload restores the trained session; Start fresh forgets it', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  await page.getByLabel('Projection').selectOption('PCA');
  const trained = await lab.train(1);
  expect(trained.training.status).toBe('done');
  await lab.until((x) => x.projection.status === 'done');
  await page.waitForTimeout(2000); // the session is written a second after changes settle

  await page.reload();
  await page.waitForFunction(() => window.__lab !== undefined);
  await expect(page.getByRole('status').filter({ hasText: 'Restored' })).toBeVisible();
  const s = await lab.until((x) => x.dataset && x.projection.status === 'done' && x);
  expect(s.dataset).toMatchObject({ rows: 100836, users: 610, items: 9724 });
  expect(s.training.history).toHaveLength(1);
  expect(s.training.history[0].rmse).toBe(trained.training.history[0].rmse);
  expect(s.projection).toMatchObject({ method: 'pca', points: 10334, epoch: 1 });
  expect(s.runs).toHaveLength(1);

  await page.getByRole('button', { name: 'Start fresh' }).click();
  await page.waitForURL((u) => u.search === '');
  await page.waitForFunction(() => window.__lab !== undefined);
  const fresh = await lab.until((x) => x.dataset?.rows === 100836 && x);
  expect(fresh.training.history).toHaveLength(0);
  await expect(page.getByText(/^Restored/)).toHaveCount(0);
});
