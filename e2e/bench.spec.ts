import { test, expect } from '@playwright/test';

type Bench = {
  status: string;
  error: string | null;
  env: { backend: string } | null;
  checks: { name: string; maxDiff: number }[];
  memory: {
    steps: number;
    before: { tensors: number; gpuBytes: number | null };
    after: { tensors: number; gpuBytes: number | null };
  }[];
  rows: {
    rowsPerSecond: number;
    tensorsBefore: number;
    tensorsAfter: number;
    stockMsPerStep: number | null;
  }[];
};

// The benchmark page's smoke run: the sparse embedding path on real webgl equals stock autodiff,
// trains, and neither tensors nor GPU texture bytes grow over 1,000 steps. (Speed is measured by
// `npm run bench`, not asserted here.)
test('bench smoke on webgl: sparse path equals stock autodiff and memory is flat', async ({
  page,
}) => {
  await page.goto('/bench.html?quick=1');
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __bench: Bench }).__bench.status), {
      timeout: 150_000,
    })
    .not.toBe('running');
  const bench = await page.evaluate(() => (window as unknown as { __bench: Bench }).__bench);
  expect(bench.error).toBeNull();
  expect(bench.env?.backend).toBe('webgl');
  expect(bench.checks.length).toBeGreaterThanOrEqual(14);
  for (const c of bench.checks) expect(c.maxDiff, c.name).toBeLessThan(1e-4);
  expect(bench.rows.length).toBeGreaterThan(0);
  expect(bench.memory.length).toBe(1);
  const [memory] = bench.memory;
  expect(memory.steps).toBe(1000);
  expect(memory.before.gpuBytes).toBeGreaterThan(0);
  expect(memory.after).toEqual(memory.before);
  for (const r of bench.rows) {
    expect(r.rowsPerSecond).toBeGreaterThan(0);
    expect(r.tensorsAfter).toBe(r.tensorsBefore);
  }
});
