import { test, expect } from '@playwright/test';

type Bench = {
  status: string;
  error: string | null;
  env: { backend: string } | null;
  checks: { name: string; maxDiff: number }[];
  rows: {
    rowsPerSecond: number;
    tensorsBefore: number;
    tensorsAfter: number;
    stockMsPerStep: number | null;
  }[];
};

// The benchmark page's smoke run: the sparse embedding path on real webgl equals stock autodiff,
// trains, and leaks no tensors. (Speed is measured by `npm run bench`, not asserted here.)
test('bench smoke on webgl: sparse path equals stock autodiff and memory is flat', async ({
  page,
}) => {
  await page.goto('/bench.html?quick=1');
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __bench: Bench }).__bench.status), {
      timeout: 120_000,
    })
    .not.toBe('running');
  const bench = await page.evaluate(() => (window as unknown as { __bench: Bench }).__bench);
  expect(bench.error).toBeNull();
  expect(bench.env?.backend).toBe('webgl');
  expect(bench.checks.length).toBeGreaterThanOrEqual(11);
  for (const c of bench.checks) expect(c.maxDiff, c.name).toBeLessThan(1e-4);
  expect(bench.rows.length).toBeGreaterThan(0);
  for (const r of bench.rows) {
    expect(r.rowsPerSecond).toBeGreaterThan(0);
    expect(r.tensorsAfter).toBe(r.tensorsBefore);
  }
});
