import { test, expect } from '@playwright/test';
import { LabPage } from './lab-page';

test('the parallel CPU engine trains biased MF to the RMSE of the webgl engine; Automatic measures both', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  // Served with COOP / COEP: shared memory, so the engine runs one worker per core.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const engine = page.getByLabel('Engine', { exact: true });
  await expect(engine.locator('option').first()).toHaveText('Automatic');

  await engine.selectOption({ label: 'Parallel CPU' });
  const cpu = await lab.train(2);
  expect(cpu.training.error).toBeNull();
  expect(cpu.training.status).toBe('done');
  expect(cpu.training.engine).toBe('cpu-parallel');
  expect(cpu.training.backend).toBe('webgl'); // the tfjs backend, still used for evaluation
  const chosen = cpu.training.engines.find((e) => e.chosen)!;
  expect(chosen.engine).toBe('cpu-parallel');
  // A run with the live map (the default) leaves a core to it: on two cores by training on one
  // while it lays out (on both while it rests), on more with a worker fewer.
  expect(chosen.reason).toMatch(
    /^(2 workers while the map rests \([\d.]+ M rows\/s\), one while it lays out|\d+ workers?, a core left to the live map \(\d+ workers: [\d.]+ M rows\/s with the map at rest\))$/,
  );
  await expect(page.getByTestId('engine-readout')).toContainText('Parallel CPU');

  await engine.selectOption({ label: 'WebGL (tfjs)' });
  const gl = await lab.train(2);
  expect(gl.training.engine).toBe('webgl');
  // Same batches, loss, L2 and optimizer: the same model up to float rounding.
  const [a, b] = [cpu.training.history[1].rmse!, gl.training.history[1].rmse!];
  expect(a).toBeLessThan(gl.training.baselines!.globalMeanRmse);
  expect(Math.abs(a - b)).toBeLessThan(0.003);

  await engine.selectOption({ label: 'Automatic' });
  const auto = await lab.train(1);
  // Measured: every engine that can run here (WebGPU only with its flag: deep-engines.spec.ts).
  const measured = auto.training.engines.filter((e) => e.rowsPerSecond !== null);
  expect(measured.map((e) => e.engine).sort()).toEqual(['cpu', 'cpu-parallel', 'webgl']);
  measured.forEach((e) => expect(e.rowsPerSecond!).toBeGreaterThan(0));
  const fastest = measured.reduce((x, y) => (y.rowsPerSecond! > x.rowsPerSecond! ? y : x));
  expect(auto.training.engine).toBe(fastest.engine);
  expect(measured.filter((e) => e.chosen).map((e) => e.engine)).toEqual([fastest.engine]);
  // The backend is the chosen engine's: a tfjs engine's own, else the page's default (webgl),
  // whichever backend the calibration measured last.
  const BACKEND = { webgl: 'webgl', cpu: 'wasm', 'cpu-parallel': 'webgl' } as const;
  expect(auto.training.backend).toBe(BACKEND[fastest.engine as keyof typeof BACKEND]);
});

test('after a calibration chose the parallel CPU engine, Train takes the trainer it built ahead', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  const calibrated = await lab.until((s) => {
    const t = s.training;
    return t.engine !== null && !t.calibrating && t;
  }, 120_000);
  expect(calibrated.engine).toBe('cpu-parallel');
  // Epochs changed after the calibration (a setting a run reads as it goes) keep it usable.
  const first = await lab.train(2);
  expect(first.training.status).toBe('done');
  expect(first.training.engine).toBe('cpu-parallel');
  expect(first.training.setup?.builtAhead).toBe(true);
  // It is taken once: the next run builds its own (and trains the same).
  const second = await lab.train(2);
  expect(second.training.setup?.builtAhead).toBeUndefined();
  expect(second.training.history[1].rmse).toBeCloseTo(first.training.history[1].rmse!, 4);
  // tfjs-wasm, given back after the calibration measured it, starts again for a run on it.
  await page.getByLabel('Engine', { exact: true }).selectOption({ label: 'CPU (tfjs)' });
  const wasm = await lab.train(1);
  expect(wasm.training.error).toBeNull();
  expect(wasm.training.engine).toBe('cpu');
  expect(wasm.training.backend).toBe('wasm');
  expect(wasm.training.history[0].rmse).toBeLessThan(wasm.training.baselines!.globalMeanRmse);
});

test('a model without a typed-array kernel says why and trains on a tfjs engine', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await page.getByLabel('Model', { exact: true }).selectOption('youtube-dnn');
  await page.getByLabel('Engine', { exact: true }).selectOption({ label: 'Parallel CPU' });
  const s = await lab.train(1);
  expect(s.training.status).toBe('done');
  // The fastest of the tfjs engines that can (webgl, or 'cpu' on tfjs wasm).
  expect(['webgl', 'cpu']).toContain(s.training.engine);
  const cpu = s.training.engines.find((e) => e.engine === 'cpu-parallel')!;
  expect(cpu.chosen).toBe(false);
  expect(cpu.reason).toMatch(/no typed-array kernel for youtube-dnn/);
});

test('served without COOP / COEP, the parallel CPU engine runs in one thread and says why', async ({
  page,
}) => {
  // The same files with the two isolation headers removed, as a static host that does not set them.
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await lab.selectModel('biased-mf');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await page.getByLabel('Engine', { exact: true }).selectOption({ label: 'Parallel CPU' });
  const s = await lab.train(1);
  expect(s.training.status).toBe('done');
  expect(s.training.engine).toBe('cpu-parallel');
  expect(s.training.history[0].rmse!).toBeLessThan(s.training.baselines!.globalMeanRmse);
  const cpu = s.training.engines.find((e) => e.engine === 'cpu-parallel')!;
  expect(cpu.reason).toMatch(/not cross-origin isolated.*one thread/);
  await expect(page.getByTestId('engine-readout')).toContainText('not cross-origin isolated');
});
