// Takes a full-page screenshot of a running build, optionally after training with the defaults:
//   node scripts/screenshot.mjs http://127.0.0.1:4173/ out.png [--model=NAME] [--epochs=N]
//     [--train [--project-at-end]] [--explore]
// For looking at the product the way a person sees it (and for the README's picture).
import { chromium } from '@playwright/test';

const [url = 'http://127.0.0.1:4173/', out = 'screenshot.png', ...flags] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--no-sandbox'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
page.on('pageerror', (e) => console.error('page error:', e.message));
await page.goto(url);
await page.waitForFunction(() => window.__lab !== undefined, null, { timeout: 60_000 });
await page.waitForFunction(() => window.__lab.snapshot().dataset !== null, null, {
  timeout: 60_000,
});
const flag = (name) => flags.find((f) => f.startsWith(`--${name}=`))?.split('=')[1];
if (flag('model')) await page.getByLabel('Model', { exact: true }).selectOption(flag('model'));
if (flag('epochs')) await page.getByLabel('Epochs', { exact: true }).fill(flag('epochs'));
if (flags.includes('--train')) {
  if (flags.includes('--project-at-end')) {
    // The re-projection cadence folds under "Advanced".
    await page.locator('details.advanced summary').click();
    await page.getByLabel('Re-project every (epochs; 0: at the end)').fill('0');
  }
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const done = () => ['done', 'error', 'stopped'].includes(window.__lab.snapshot().training.status);
  await page.waitForFunction(done, null, { timeout: 600_000 });
  console.log(`trained in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const projected = () => window.__lab.snapshot().projection.status === 'done';
  await page.waitForFunction(projected, null, { timeout: 600_000 });
  console.log(`projected at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  await page.waitForTimeout(1000);
}
if (flags.includes('--explore')) {
  // Colour by genre and select a user, as the README's picture shows.
  await page.getByLabel('Colour by').selectOption('genre');
  await page.getByLabel('Search').fill('user 414');
  await page.getByRole('button', { name: /User 414$/ }).click();
  await page.waitForTimeout(800);
}
const s = await page.evaluate(() => window.__lab.snapshot());
console.log(
  JSON.stringify({
    training: { ...s.training, history: s.training.history.at(-1) },
    projection: s.projection,
  }),
);
await page.screenshot({ path: out, fullPage: true });
await browser.close();
