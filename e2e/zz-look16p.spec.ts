import { expect, test } from '@playwright/test';
import { LabPage } from './lab-page';
test('look', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await page.getByLabel('Model', { exact: true }).selectOption('bpr');
  await lab.setNumber('Epochs', 3);
  await lab.train(3);
  await lab.until((x) => x.projection.status === 'done' && x.projection.points > 0);
  await page.getByRole('button', { name: 'New user' }).click();
  for (const [q, name] of [['toy story', 'Toy Story (1995)'], ['finding nemo', 'Finding Nemo (2003)'], ['monsters, inc', 'Monsters, Inc. (2001)']]) {
    await page.getByLabel('Search').fill(q);
    await page.getByRole('button', { name: `Like ${name}`, exact: true }).click();
  }
  await page.waitForTimeout(1500);
  const p = await page.evaluate(() => (window.__lab.snapshot() as any).playground);
  console.log(JSON.stringify({ ms: p.ms, recs: p.recommendations.map((r: any) => r.label + ' | ' + r.because.join('; ')) }, null, 1));
  console.log(JSON.stringify(await page.evaluate(() => window.__lab.screenPosition('user', '__new__'))));
  await page.screenshot({ path: '/tmp/pg16p/bpr.png', fullPage: true });
  expect(p.point).toBe(true);
});
