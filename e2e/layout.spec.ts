/**
 * The projector-first layout (issue 16): at a laptop's and a desktop's viewport, after training on
 * the sample, the map takes most of the window and Train, the status line and the map are all in
 * view without scrolling; "?" lists the keyboard shortcuts.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { LabPage } from './lab-page';

/** The part of `box` inside the viewport, in CSS pixels squared. */
async function visibleArea(page: Page, el: Locator): Promise<number> {
  const b = (await el.boundingBox())!;
  const v = page.viewportSize()!;
  const w = Math.max(0, Math.min(b.x + b.width, v.width) - Math.max(b.x, 0));
  const h = Math.max(0, Math.min(b.y + b.height, v.height) - Math.max(b.y, 0));
  return w * h;
}

/** Asserts that `el` lies wholly inside the viewport (no scrolling needed to see it). */
async function expectInViewport(page: Page, el: Locator, what: string): Promise<void> {
  await expect(el, what).toBeVisible();
  const b = (await el.boundingBox())!;
  const v = page.viewportSize()!;
  expect(b.x, `${what}: left`).toBeGreaterThanOrEqual(0);
  expect(b.y, `${what}: top`).toBeGreaterThanOrEqual(0);
  expect(b.x + b.width, `${what}: right`).toBeLessThanOrEqual(v.width);
  expect(b.y + b.height, `${what}: bottom`).toBeLessThanOrEqual(v.height);
}

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
]) {
  test.describe(`at ${viewport.width} x ${viewport.height}`, () => {
    test.use({ viewport });

    test('the map fills the window; Train, the status line and the map show without scrolling; ? lists the shortcuts', async ({
      page,
    }) => {
      const lab = new LabPage(page);
      await lab.open();
      await lab.sampleLoaded();
      await lab.selectModel('biased-mf');
      await page.getByLabel('Projection').selectOption('PCA');
      const s = await lab.train(1);
      expect(s.training.status).toBe('done');
      await lab.until((x) => x.projection.status === 'done');

      const canvas = page.getByTestId('embedding-canvas');
      const share = (await visibleArea(page, canvas)) / (viewport.width * viewport.height);
      expect(share).toBeGreaterThanOrEqual(0.6);
      const train = page.getByRole('button', { name: 'Train', exact: true });
      const status = page.getByTestId('status-line');
      await expectInViewport(page, train, 'Train');
      await expectInViewport(page, status, 'status line');
      await expect(status).toContainText('done');
      await expectInViewport(page, canvas, 'map');
      // The page itself does not scroll: everything else scrolls inside its panel.
      const scroll = await page.evaluate(() => ({
        y: document.documentElement.scrollHeight - window.innerHeight,
        x: document.documentElement.scrollWidth - window.innerWidth,
      }));
      expect(scroll).toEqual({ x: 0, y: 0 });
      // The training status (over the map) does not hide the contract's controls.
      const overlay = (await page.getByRole('region', { name: 'Training status' }).boundingBox())!;
      for (const name of ['Project', 'Train']) {
        const b = (await page.getByRole('button', { name, exact: true }).boundingBox())!;
        const overlaps =
          name !== 'Train' &&
          b.x < overlay.x + overlay.width &&
          overlay.x < b.x + b.width &&
          b.y < overlay.y + overlay.height &&
          overlay.y < b.y + b.height;
        expect(overlaps, `${name} under the status overlay`).toBe(false);
      }

      // "?" opens the shortcuts; Escape closes it.
      await canvas.focus();
      await page.keyboard.press('?');
      const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await expect(dialog).toBeVisible();
      await expect(dialog).toContainText('Search users, items and features');
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
    });
  });
}

test('panels fold and unfold by their heading; the dock opens the runs under the map', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  const data = page.getByRole('button', { name: 'Data', exact: true });
  await expect(data).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByText('Rows', { exact: true })).toBeVisible();
  await data.click();
  await expect(data).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByText('Rows', { exact: true })).toBeHidden();
  // A key folds it back open; keys typed into a field stay in the field.
  await page.getByLabel('Search').fill('1');
  await expect(data).toHaveAttribute('aria-expanded', 'false');
  await page.getByTestId('embedding-canvas').focus();
  await page.keyboard.press('1');
  await expect(data).toHaveAttribute('aria-expanded', 'true');

  const canvas = page.getByTestId('embedding-canvas');
  const before = (await canvas.boundingBox())!;
  await lab.openPanel('Runs');
  await expect(page.getByRole('table', { name: 'Runs on this data set' })).toBeHidden();
  await expect(page.getByText(/^No runs yet/)).toBeVisible();
  // The canvas follows its container: the dock takes height from the map, not from the page.
  await expect.poll(async () => (await canvas.boundingBox())!.height).toBeLessThan(before.height);
  await page.keyboard.press('Escape');
  await expect.poll(async () => (await canvas.boundingBox())!.height).toBe(before.height);

  // Run settings fold under "Advanced"; a model's unused settings are not shown.
  await expect(page.getByLabel('Batch size', { exact: true })).toBeHidden();
  await lab.openAdvanced();
  await expect(page.getByLabel('Batch size', { exact: true })).toBeVisible();
  await expect(page.getByLabel('Hidden units')).toHaveCount(0);
  await page.getByLabel('Model', { exact: true }).selectOption('autorec');
  await expect(page.getByLabel('Hidden units')).toBeVisible();
});
