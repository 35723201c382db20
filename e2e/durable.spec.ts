/**
 * Durable sessions and a lost GPU (issue 17, items 1 and 2): every finished epoch survives a
 * reload at any moment, an interrupted run resumes, a lost WebGL context does not end the run,
 * and a second tab never writes over the first one's session.
 */
import { expect, test, type Page } from '@playwright/test';
import { LabPage, type Snapshot } from './lab-page';

type Session = {
  tab: string;
  interrupted: { epoch: number; epochs: number } | null;
  savedEpoch: number;
  notice: string | null;
};
const session = (page: Page) =>
  page.evaluate(() => (window.__lab.snapshot() as unknown as { session: Session }).session);

async function chooseEngine(page: Page, label: 'Parallel CPU' | 'WebGL (tfjs)') {
  await page.getByLabel('Engine', { exact: true }).selectOption({ label });
}

/** Reloads and waits for the restored session (its data set and runs). */
async function reloadRestored(lab: LabPage, runs: number): Promise<Snapshot> {
  await lab.page.reload();
  await lab.page.waitForFunction(() => window.__lab !== undefined);
  return lab.until((x) => x.dataset?.rows === 100836 && x.runs.length >= runs && x, 60_000);
}

test('a reload 0 ms, 250 ms or 1 s after a run ends keeps the run and its epochs', async ({
  page,
}) => {
  test.setTimeout(400_000);
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  for (const [k, wait] of [0, 250, 1000].entries()) {
    await chooseEngine(page, 'Parallel CPU');
    const trained = await lab.train(2);
    expect(trained.training.status).toBe('done');
    if (wait) await page.waitForTimeout(wait);
    const s = await reloadRestored(lab, k + 1);
    expect(s.training.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(s.training.history[1].rmse).toBe(trained.training.history[1].rmse);
    expect(s.runs).toHaveLength(k + 1);
    expect(s.runs[k]).toMatchObject({ status: 'done', epochs: 2 });
    await expect(page.getByRole('status').filter({ hasText: 'Restored' })).toBeVisible();
  }
});

test('a reload mid-run restores it as interrupted, and Resume trains it to the end', async ({
  page,
}) => {
  test.setTimeout(400_000);
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  // The tfjs engine on software WebGL: epochs of seconds, so the reload falls mid-run.
  await chooseEngine(page, 'WebGL (tfjs)');
  await lab.setNumber('Epochs', 4);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await lab.until((x) => x.training.history.length >= 1 && x.training.status === 'running');
  // While the run trains, the epochs' sessions are written by the writer worker (issue 15).
  await expect
    .poll(() =>
      page.evaluate(() =>
        performance.getEntriesByType('resource').some((e) => e.name.includes('durable.worker')),
      ),
    )
    .toBe(true);
  await page.reload();
  await page.waitForFunction(() => window.__lab !== undefined);
  const s = await lab.until((x) => x.dataset && x.training.history.length >= 1 && x, 60_000);
  const at = s.training.history.length;
  expect(s.training.status).toBe('stopped');
  expect(await session(page)).toMatchObject({ interrupted: { epoch: at, epochs: 4 } });
  await expect(
    page.getByRole('status').filter({ hasText: `interrupted at epoch ${at} of 4` }),
  ).toBeVisible();

  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  const done = await lab.until((x) => ['done', 'error'].includes(x.training.status) && x, 300_000);
  expect(done.training.error).toBeNull();
  expect(done.training.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
  // The epochs before the reload are the stored ones.
  expect(done.training.history.slice(0, at)).toEqual(s.training.history);
  expect(done.runs.at(-1)).toMatchObject({ status: 'done', epochs: 4 });
  expect((await session(page)).interrupted).toBeNull();
});

test('a WebGL context lost at epoch 2 of 5: the run ends with 5 epochs, as undisturbed', async ({
  page,
}) => {
  test.setTimeout(400_000);
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  await chooseEngine(page, 'WebGL (tfjs)');
  const calm = await lab.train(5);
  expect(calm.training.engine).toBe('webgl');

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await lab.until((x) => x.training.history.length >= 2);
  await page.evaluate(() =>
    (window.__lab as unknown as { loseGpuContext(): void }).loseGpuContext(),
  );
  await expect(page.getByRole('status').filter({ hasText: 'GPU context was lost' })).toBeVisible();
  const s = await lab.until((x) => ['done', 'error'].includes(x.training.status) && x, 300_000);
  expect(s.training.error).toBeNull();
  expect(s.errors).toEqual([]);
  expect(s.training.backend).toBe('webgl');
  expect(s.training.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5]);
  const [a, b] = [calm.training.history[4].rmse!, s.training.history[4].rmse!];
  console.log(`RMSE at epoch 5: undisturbed ${a}, context lost at epoch 2 ${b}`);
  expect(Math.abs(a - b)).toBeLessThan(0.005);
  expect((await session(page)).notice).toMatch(/from epoch 2 of 5 on a new WebGL context/);
});

test('a second tab does not write over the first tab’s session, and can take it over', async ({
  page,
  context,
}) => {
  test.setTimeout(400_000);
  const first = new LabPage(page);
  await first.open();
  await first.sampleLoaded();
  await first.selectModel('biased-mf');
  await chooseEngine(page, 'Parallel CPU');
  const trained = await first.train(1);
  expect((await session(page)).tab).toBe('holder');
  await page.waitForTimeout(1500); // the settled changes (the map's layout) are written too

  const other = await context.newPage();
  const second = new LabPage(other);
  await second.open();
  await second.until((x) => x.dataset?.rows === 100836 && x.training.backend !== null);
  await expect.poll(async () => (await session(other)).tab).toBe('elsewhere');
  await expect(
    other.getByRole('status').filter({ hasText: 'Another tab holds this session' }),
  ).toBeVisible();
  // The second tab trains a run of its own: it is not kept.
  await second.selectModel('biased-mf');
  await chooseEngine(other, 'Parallel CPU');
  await second.train(2);
  await other.waitForTimeout(1500);

  // The first tab's session is the stored one.
  const s = await reloadRestored(first, 1);
  expect(s.runs).toHaveLength(1);
  expect(s.training.history.map((h) => h.rmse)).toEqual(
    trained.training.history.map((h) => h.rmse),
  );
  await expect.poll(async () => (await session(page)).tab).toBe('holder');

  // Take over: the second tab reloads holding the session; the first says it lost it.
  await other.getByRole('button', { name: 'Take over' }).click();
  await other.waitForFunction(() => window.__lab !== undefined);
  await expect.poll(async () => (await session(other)).tab, { timeout: 30_000 }).toBe('holder');
  await expect.poll(async () => (await session(page)).tab, { timeout: 30_000 }).toBe('taken-over');
  await expect(
    page.getByRole('status').filter({ hasText: 'took this session over' }),
  ).toBeVisible();
});

test('the map survives losing its WebGL context: it is drawn again when restored', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  await page.getByLabel('Projection').selectOption('PCA');
  await chooseEngine(page, 'Parallel CPU');
  await lab.train(1);
  await lab.until((x) => x.projection.status === 'done' && x.projection.points > 0);
  await page.waitForTimeout(500);
  const canvas = page.getByTestId('embedding-canvas');
  // Pixels that are not the background (0x0f1117): the points drawn.
  const picture = () =>
    canvas.evaluate((c: HTMLCanvasElement) => {
      const copy = document.createElement('canvas');
      copy.width = c.width;
      copy.height = c.height;
      const g = copy.getContext('2d')!;
      g.drawImage(c, 0, 0);
      const px = g.getImageData(0, 0, c.width, c.height).data;
      let lit = 0;
      for (let k = 0; k < px.length; k += 4)
        if (Math.abs(px[k] - 15) + Math.abs(px[k + 1] - 17) + Math.abs(px[k + 2] - 23) > 30) lit++;
      return lit;
    });
  const before = await picture();
  await canvas.evaluate((c: HTMLCanvasElement) => {
    const ext = c.getContext('webgl2')!.getExtension('WEBGL_lose_context')!;
    ext.loseContext();
    (window as unknown as { restoreMap: () => void }).restoreMap = () => ext.restoreContext();
  });
  await expect(
    page.getByRole('status').filter({ hasText: "map's WebGL context was lost;" }),
  ).toBeVisible();
  await page.evaluate(() => (window as unknown as { restoreMap: () => void }).restoreMap());
  await expect(page.getByRole('status').filter({ hasText: 'has been restored' })).toBeVisible();
  await page.waitForTimeout(500);
  // Redrawn from the same buffers and camera: the points are there again.
  const after = await picture();
  console.log(`map pixels drawn: ${before} before the loss, ${after} after the restore`);
  expect(before).toBeGreaterThan(1000);
  expect(after).toBeGreaterThan(0.9 * before);
  expect(after).toBeLessThan(1.1 * before); // the background is the map's again
  const s = await lab.snapshot();
  expect(s.errors).toEqual([]);
  expect(s.projection.status).toBe('done');
});
