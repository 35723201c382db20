// The tuning target of issue 14, in the page: biased MF with its defaults, then Tune for 2
// minutes (successive halving, 9 trials), then the best settings applied and trained. Prints
// both runs' test RMSE at their validation-chosen epochs. Needs a running build:
//   npx vite build && npx vite preview --port 4199 & node bench/tune-app.mjs http://127.0.0.1:4199/
import { chromium } from '@playwright/test';

const url = process.argv[2] ?? 'http://127.0.0.1:4173/';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--no-sandbox'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
await page.goto(url);
await page.waitForFunction(() => window.__lab?.snapshot().dataset !== null, null, {
  timeout: 60_000,
});
const snap = () => page.evaluate(() => window.__lab.snapshot());
const idle = () =>
  page.waitForFunction(
    () => ['done', 'stopped', 'error'].includes(window.__lab.snapshot().training.status),
    null,
    { timeout: 900_000 },
  );
// The page opens on the map-first default (a ranking model): this bench tunes the rating model.
await page.getByLabel('Model', { exact: true }).selectOption('biased-mf');
await page.getByLabel('Re-project every (epochs; 0: at the end)').fill('0');
await page.getByRole('button', { name: 'Train', exact: true }).click();
await idle();
const defaults = (await snap()).training.test;
const t0 = Date.now();
await page.getByLabel('Budget (minutes; 0: none)').fill('2');
await page.getByRole('button', { name: 'Tune', exact: true }).click();
await page.waitForFunction(() => window.__lab.snapshot().training.tuning?.status === 'done', null, {
  timeout: 900_000,
});
const tuning = (await snap()).training.tuning;
const minutes = (Date.now() - t0) / 60_000;
await page.getByRole('button', { name: 'Apply best settings' }).click();
await page.getByRole('button', { name: 'Train', exact: true }).click();
await page.waitForFunction(() => window.__lab.snapshot().runs.length >= 2 + 1, null, {
  timeout: 900_000,
});
await idle();
const tuned = (await snap()).training.test;
console.log(JSON.stringify({ defaults, tuning: { ...tuning, minutes }, tuned }, null, 1));
console.log(
  `defaults: test RMSE ${defaults.rmse.toFixed(4)} at epoch ${defaults.epoch}; ` +
    `tuned for ${minutes.toFixed(1)} min (${tuning.done} trials): ${JSON.stringify(tuning.best.settings)}, ` +
    `${tuning.best.epochs} epochs: test RMSE ${tuned.rmse.toFixed(4)} at epoch ${tuned.epoch}`,
);
await browser.close();
