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
  projection: { method: string; finishedMs: number; purity: number }[];
  importRows: { rows: number; ms: number }[];
  explorer: {
    frame: { points: number; frames: number; meanMs: number };
    neighbours: { points: number; meanMs: number };
  } | null;
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
  // The projection and explorer rows run too (on 1k and 10k points in the smoke).
  expect(bench.projection.length).toBeGreaterThan(0);
  for (const r of bench.projection) expect(r.purity, r.method).toBeGreaterThan(0.5);
  expect(bench.explorer!.frame).toMatchObject({ points: 10_000, frames: 10 });
  expect(bench.explorer!.frame.meanMs).toBeGreaterThan(0);
  expect(bench.explorer!.neighbours.points).toBe(10_000);
  // And the streaming import of a generated 20,000-row file, plain and gzip, and the two parsers
  // (papaparse beside ours) on the same text.
  expect(bench.importRows).toHaveLength(4);
  expect(bench.importRows.every((r) => r.rows === 20_000 && r.ms > 0)).toBe(true);
});
