import { test, expect } from '@playwright/test';
import { LabPage } from './lab-page';

// 12,000 users x 9,500 items: 21,500 points, above the map's live draw limit (20,000).
const USERS = 12_000;
const ITEMS = 9_500;
const csv = [
  'user,item,rating',
  ...Array.from({ length: USERS * 6 }, (_, k) => {
    const u = Math.floor(k / 6);
    return `u${u},i${(u * 7 + (k % 6) * 1_601) % ITEMS},${1 + ((u + k) % 5)}`;
  }),
].join('\n');

test('on a software renderer the map draws a sample while the cores are busy, and every point after', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const lab = new LabPage(page);
  await lab.open('?sample=none');
  await page
    .getByLabel('Interactions file')
    .setInputFiles({ name: 'wide.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Use this data' }).click();
  const d = await lab.until((s) => s.dataset);
  expect(d.users + d.items).toBeGreaterThan(20_000);

  await lab.selectModel('biased-mf');
  await lab.setNumber('Epochs', 6);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  // While the run (or its layouts) holds the cores, the page says it draws a sample.
  const note = page.getByRole('status').filter({ hasText: 'this software renderer draws' });
  await expect(note).toContainText(`20,000 of the ${(d.users + d.items).toLocaleString('en-US')}`, {
    timeout: 120_000,
  });
  const s = await lab.snapshot();
  expect(s.training.backend).toBe('webgl');

  // Once training and the final layout are done, every point is drawn and the note is gone.
  await lab.until(
    (x) => x.training.status === 'done' && x.projection.status === 'done' && x,
    240_000,
  );
  await expect(note).toBeHidden();
});
