// README screenshots, taken from the production build the way a person sees the page:
//   npm run build && node scripts/screenshots.mjs [--port=4392] [--out=docs] [--epochs=10]
//     [--model=hybrid] [--width=1440 --height=900] [--only=map|layout]
// It serves dist/ with `vite preview`, trains on the built-in sample, and writes
//   <out>/screenshot.png  the map after training, coloured by genre, a user selected
//   <out>/curves.png      the same page with the training curves open under the map
//   <out>/playground.png  a new user folded in (only where the page has a "New user" button)
// With --only=layout it opens the page untrained at 1366x768 and 1920x1080 too (layout checks).
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const arg = (name, fallback) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const port = Number(arg('port', process.env.E2E_PORT ?? 4392));
const out = arg('out', 'docs');
const epochs = arg('epochs', '10');
const model = arg('model', 'hybrid');
const viewport = { width: Number(arg('width', 1440)), height: Number(arg('height', 900)) };
const only = arg('only', '');
mkdirSync(out, { recursive: true });

const server = spawn(
  'npx',
  ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group, so that npx's child (vite) goes too when the script ends.
    detached: true,
  },
);
await new Promise((resolve, reject) => {
  server.stdout.on('data', (d) => String(d).includes(String(port)) && resolve());
  server.on('exit', (code) =>
    reject(new Error(`vite preview exited (${code}); is the port free?`)),
  );
});
const url = `http://127.0.0.1:${port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--no-sandbox'],
});

async function open(size) {
  const page = await browser.newPage({ viewport: size });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url);
  await page.waitForFunction(() => window.__lab?.snapshot().dataset !== null, null, {
    timeout: 120_000,
  });
  return page;
}
const snapshot = (page) => page.evaluate(() => window.__lab.snapshot());
const until = (page, fn, timeout = 600_000) => page.waitForFunction(fn, null, { timeout });

try {
  if (only === 'layout') {
    for (const size of [
      { width: 1366, height: 768 },
      { width: 1920, height: 1080 },
      { width: 1280, height: 800 },
    ]) {
      const page = await open(size);
      const box = await page.getByTestId('embedding-canvas').boundingBox();
      const share = (box.width * box.height) / (size.width * size.height);
      console.log(`${size.width} x ${size.height}: the map covers ${(share * 100).toFixed(1)}%`);
      await page.screenshot({ path: join(out, `layout-${size.width}.png`) });
      await page.close();
    }
  } else {
    const page = await open(viewport);
    await page.getByLabel('Model', { exact: true }).selectOption(model);
    await page.getByLabel('Epochs', { exact: true }).fill(epochs);
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await until(page, () =>
      ['done', 'error', 'stopped'].includes(window.__lab.snapshot().training.status),
    );
    await until(page, () => window.__lab.snapshot().projection.status === 'done');
    console.log(`trained and projected in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // Fold Data (the model's settings move up), colour by genre and select a user.
    await page.getByRole('button', { name: 'Data', exact: true }).click();

    const colour = page.getByLabel('Colour by');
    if (await colour.locator('option[value="genre"]').count()) await colour.selectOption('genre');
    await page.getByLabel('Search').fill('user 414');
    await page.getByRole('button', { name: /User 414$/ }).click();
    await until(page, () => (window.__lab.snapshot().selection?.neighbors.length ?? 0) > 0);
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(out, 'screenshot.png') });
    console.log(`wrote ${join(out, 'screenshot.png')}`);

    await page.getByRole('button', { name: 'Training curves' }).click();
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(out, 'curves.png') });
    console.log(`wrote ${join(out, 'curves.png')}`);
    await page.getByRole('button', { name: 'Training curves' }).click();

    // The cold-start playground, where the page has one: mark a few films, let it fold in.
    const newUser = page.getByRole('button', { name: 'New user' });
    if (await newUser.count()) {
      await newUser.click();
      for (const film of ['Toy Story', 'Matrix', 'Amelie']) {
        await page.getByLabel('Search').fill(film);
        const like = page.getByRole('button', { name: /^Like / }).first();
        const rate = page.getByRole('spinbutton', { name: /^Rating for / }).first();
        if (await like.count()) await like.click();
        else if (await rate.count()) await rate.fill('5');
        await page.waitForTimeout(300);
      }
      // Fold Model and training, so the playground's recommendations show in the side column.
      await page.locator('body').click({ position: { x: 2, y: 2 } });
      await page.keyboard.press('2');
      await page.getByText('Recommended for the new user').scrollIntoViewIfNeeded();
      await page.waitForTimeout(800);
      await page.screenshot({ path: join(out, 'playground.png') });
      console.log(`wrote ${join(out, 'playground.png')}`);
    } else {
      console.log('no "New user" button in this build: playground.png not taken');
    }
    const s = await snapshot(page);
    console.log(JSON.stringify({ model: s.training.model, last: s.training.history.at(-1) }));
  }
} finally {
  await browser.close();
  process.kill(-server.pid);
}
