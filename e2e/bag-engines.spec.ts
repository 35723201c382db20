import { test, expect } from '@playwright/test';
import { LabPage } from './lab-page';

test('SVD++ trains on the parallel CPU engine to the RMSE of the webgl engine', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await page.getByLabel('Model', { exact: true }).selectOption('svdpp');
  // Its default dimension is 128; 32 keeps the WebGL epoch short.
  await lab.setNumber('Embedding dimension', 32);
  const engine = page.getByLabel('Engine', { exact: true });
  await engine.selectOption({ label: 'Parallel CPU' });
  const started = Date.now();
  const cpu = await lab.train(1);
  const done = Date.now() - started;
  console.log(
    `svdpp on the parallel CPU engine: ${cpu.training.rowsPerSecond} rows/s in training, ` +
      `one epoch from Train to done (calibration, evaluation, test ranking included): ${done} ms`,
  );
  expect(cpu.training.error).toBeNull();
  expect(cpu.training.engine).toBe('cpu-parallel');
  expect(cpu.training.engines.find((e) => e.chosen)!.engine).toBe('cpu-parallel');

  await engine.selectOption({ label: 'WebGL (tfjs)' });
  const gl = await lab.train(1);
  expect(gl.training.engine).toBe('webgl');
  console.log(`svdpp on webgl: ${gl.training.rowsPerSecond} rows/s in training`);
  // Same batches, loss, L2 and optimizer: the same model up to float rounding.
  const [a, b] = [cpu.training.history[0].rmse!, gl.training.history[0].rmse!];
  expect(a).toBeLessThan(gl.training.baselines!.globalMeanRmse);
  expect(Math.abs(a - b)).toBeLessThan(0.003);
});

test('the hybrid (genres and tags) trains on the parallel CPU engine', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.sampleLoaded();
  await page.getByLabel('Model', { exact: true }).selectOption('hybrid');
  await page.getByLabel('Engine', { exact: true }).selectOption({ label: 'Parallel CPU' });
  const s = await lab.train(2);
  expect(s.training.error).toBeNull();
  expect(s.training.engine).toBe('cpu-parallel');
  expect(s.training.history[1].rmse!).toBeLessThan(s.training.baselines!.globalMeanRmse);
});
