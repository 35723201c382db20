import { test, expect } from '@playwright/test';
import { LabPage } from './lab-page';

test('the engines are measured at start, and Recalibrate measures them again', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  const button = page.getByRole('button', { name: 'Recalibrate' });
  // Beside the Engine select.
  await expect(page.getByLabel('Engine', { exact: true })).toBeVisible();
  // The engines measured here (WebGPU is listed with its reason; it needs a flag).
  const engines = () =>
    page.evaluate(() =>
      window.__lab.snapshot().training.engines.filter((e) => e.rowsPerSecond !== null),
    );
  const calibrated = async () => {
    await expect(button).toBeEnabled({ timeout: 120_000 });
    await expect
      .poll(() => page.evaluate(() => window.__lab.snapshot().training.calibrating), {
        timeout: 120_000,
      })
      .toBe(false);
    return engines();
  };
  // At start: once the page rests on the loaded sample, the engines are measured for the
  // current model without a run (so Train starts on the chosen engine at once).
  await expect.poll(async () => (await engines()).length, { timeout: 120_000 }).toBeGreaterThan(0);
  const first = await calibrated();
  expect(first.map((e) => e.engine).sort()).toEqual(['cpu', 'cpu-parallel', 'webgl']);
  first.forEach((e) => expect(e.rowsPerSecond!).toBeGreaterThan(0));
  expect(first.filter((e) => e.chosen)).toHaveLength(1);
  await expect(page.getByTestId('engine-readout')).toContainText('(chosen)');

  expect(await page.evaluate(() => window.__lab.snapshot().training.status)).toBe('idle');

  // Recalibrate: the worker's kept measurements are forgotten, so both engines are timed anew (kept
  // ones would come back identical to the last digit).
  await button.click();
  const second = await calibrated();
  expect(second.map((e) => e.engine).sort()).toEqual(['cpu', 'cpu-parallel', 'webgl']);
  for (const e of second) {
    const before = first.find((f) => f.engine === e.engine)!;
    expect(e.rowsPerSecond!).toBeGreaterThan(0);
    expect(e.rowsPerSecond).not.toBe(before.rowsPerSecond);
  }
  expect(await page.evaluate(() => window.__lab.snapshot().training.status)).toBe('idle');
});
