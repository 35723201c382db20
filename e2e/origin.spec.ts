/**
 * Data stays on the machine (issue 17): a whole session (the sample loaded, one small epoch
 * trained, a projection, every export) makes no request outside the page's own origin, from
 * the page or from its workers. A person uploading their company's interactions relies on it.
 */
import { expect, test } from '@playwright/test';
import { LabPage } from './lab-page';

test('every request of a full session goes to the page’s own origin', async ({ page, context }) => {
  const requests: string[] = [];
  // The context sees the page's requests and its workers'; sockets are listed too.
  context.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (w) => requests.push(w.url()));
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  await lab.setNumber('Embedding dimension', 8);
  await page.getByLabel('Projection').selectOption('PCA');
  const s = await lab.train(1);
  expect(s.training).toMatchObject({ status: 'done', error: null });
  await lab.until((x) => x.projection.status === 'done');
  await page.getByRole('button', { name: 'Project' }).click();
  await lab.until((x) => x.projection.status === 'done' && x.projection.points > 0);
  expect(Object.keys(await lab.exportForTensorBoard())).toHaveLength(4);
  for (const button of ['Export CSV', 'Export PNG', 'Export recommendations CSV'])
    expect((await lab.download(button)).bytes.length).toBeGreaterThan(0);
  await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export for TensorFlow.js' }).click(),
  ]);
  expect((await lab.snapshot()).errors).toEqual([]);

  const origin = new URL(page.url()).origin;
  // A blob: URL carries the origin that made it; data: URLs never leave the page.
  const foreign = requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
  expect(foreign).toEqual([]);
  // The recording saw the session: the page, the sample and a worker's script.
  const paths = requests.map((u) => new URL(u).pathname);
  expect(paths).toContain('/samples/ml-latest-small/ratings.csv');
  expect(paths.some((p) => /worker/i.test(p))).toBe(true);
});
