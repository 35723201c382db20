import { test, expect } from '@playwright/test';
import { LabPage } from './lab-page';
import { chromiumArgs, chromiumPath } from '../scripts/chromium';

// Headless Chromium exposes WebGPU on SwiftShader with this flag; this spec alone turns it on
// (the other specs keep asserting webgl as the default).
test.use({
  launchOptions: {
    executablePath: chromiumPath(),
    args: [...chromiumArgs, '--enable-unsafe-webgpu'],
  },
});

/**
 * The deep models (and SVD++) on each engine the page offers, chosen through the "Engine"
 * select: WebGL, 'cpu' on tfjs wasm, and WebGPU where the browser gives an adapter. A small
 * generated file (240 users x 160 items) keeps an epoch short on every engine.
 */
function smallRatings(): string {
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const lines = ['user,item,rating'];
  for (let u = 0; u < 240; u++) {
    const seen = new Set<number>();
    while (seen.size < 25) seen.add(Math.floor(random() ** 2 * 160));
    for (const i of seen) lines.push(`${u},${i},${1 + ((u + i) % 5)}`);
  }
  return lines.join('\n');
}

const BACKEND_OF = { webgl: 'webgl', cpu: 'wasm', webgpu: 'webgpu' } as const;

for (const model of ['autorec', 'youtube-dnn', 'svdpp']) {
  test(`${model} trains an epoch on each offered engine`, async ({ page }) => {
    const lab = new LabPage(page);
    await lab.open('?sample=none');
    await lab.until((s) => s.training.backend !== null);
    await page.getByLabel('Interactions file').setInputFiles({
      name: 'small.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(smallRatings()),
    });
    await page.getByRole('button', { name: 'Use this data' }).click();
    await lab.until((s) => s.dataset?.rows === 6000);
    await page.getByLabel('Model', { exact: true }).selectOption(model);
    const engine = page.getByLabel('Engine', { exact: true });

    // Automatic measures every engine that can run here and names the others' reasons.
    const auto = await lab.train(1);
    expect(auto.training.error).toBeNull();
    const engines = auto.training.engines;
    const cpu = engines.find((e) => e.engine === 'cpu')!;
    expect(cpu.reason).toMatch(/^tfjs wasm, SIMD, \d+ threads?/);
    // The page is cross-origin isolated (dev and preview send COOP/COEP): the threaded build
    // runs in the training worker on every core the browser reports (tfjs's pool holds 8 at
    // most), not the single thread of the SIMD binary.
    const { isolated, cores } = await page.evaluate(() => ({
      isolated: self.crossOriginIsolated,
      cores: navigator.hardwareConcurrency,
    }));
    expect(isolated).toBe(true);
    if (cores >= 2) expect(cpu.reason).toContain(`SIMD, ${Math.min(cores, 8)} threads`);
    const webgpu = engines.find((e) => e.engine === 'webgpu')!;
    expect(webgpu.reason).toBeTruthy();
    const offered = engines.filter((e) => e.rowsPerSecond !== null).map((e) => e.engine);
    expect(offered).toEqual(expect.arrayContaining(['webgl', 'cpu']));
    expect(offered.includes('webgpu')).toBe(
      !/no WebGPU|no adapter|did not start/.test(webgpu.reason!),
    );

    for (const name of offered.filter((e) => e !== 'cpu-parallel')) {
      await engine.selectOption(name);
      const s = await lab.train(1);
      expect(s.training.error).toBeNull();
      expect(s.training.status).toBe('done');
      expect(s.training.engine).toBe(name);
      expect(s.training.backend).toBe(BACKEND_OF[name as keyof typeof BACKEND_OF]);
      const metric = s.training.history[0].rmse ?? s.training.history[0].recallAtK;
      expect(Number.isFinite(metric)).toBe(true);
    }
    // The next run starts from the default backend again.
    await engine.selectOption('webgl');
    const back = await lab.train(1);
    expect(back.training.backend).toBe('webgl');
  });
}
