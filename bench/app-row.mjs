// The bench's "app" rows (issue 15): the page itself on the sample, timed in the page from the
// Train click to the last epoch's metrics, to the end of the run (test report) and to the final
// map, after the page's calibration at start has chosen the engine (its time is its own column).
// Biased MF is the target (its defaults: 10 epochs, automatic engine, live map every
// 2 epochs, chosen with the page's "Use biased MF (ratings)" button); the same run with the live
// map off (re-project only at the end) shows what the map costs, and the page's own first-visit
// default (the map-first hybrid) is timed as a person gets it.

/**
 * The cases: `biasedMf` presses "Use biased MF (ratings)"; `model` selects a model with its
 * defaults instead (the deep models' rows, issue 18); `projectEvery` 0 maps at the end, and
 * undefined keeps the model's default.
 */
export const CASES = [
  { biasedMf: true, projectEvery: 2 },
  { biasedMf: true, projectEvery: 0 },
  { biasedMf: false, projectEvery: 2 },
];

/**
 * Opens the app at `base` in a fresh page of `browser`, trains once per case and returns
 * one row per case: { case, model, engine, epochs, trainRows, lastEpochMs, doneMs, mapMs,
 * rowsPerSecond (training rows x epochs / lastEpochMs), readoutRowsPerSecond }.
 */
export async function appRows(browser, base, cases = CASES) {
  const rows = [];
  for (const { biasedMf, model, projectEvery } of cases) {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    try {
      page.on('pageerror', (e) => console.error('app page:', e.message));
      await page.goto(base);
      await page.waitForFunction(() => window.__lab?.snapshot().dataset !== null, null, {
        timeout: 120_000,
      });
      // The first map of the loaded data is not part of training: wait until it is drawn.
      await page.waitForFunction(
        () => window.__lab.snapshot().projection.status !== 'running',
        null,
        { timeout: 120_000 },
      );
      if (biasedMf) await page.getByRole('button', { name: 'Use biased MF (ratings)' }).click();
      if (model) await page.getByLabel('Model', { exact: true }).selectOption(model);
      if (projectEvery !== undefined && projectEvery !== 2) {
        await page.getByText('Advanced', { exact: true }).click();
        await page
          .getByLabel('Re-project every (epochs; 0: at the end)')
          .fill(String(projectEvery));
      }
      // The calibration at start (auto-calibrate.ts) measures the engines for the chosen model
      // while the page rests; a person presses Train after it, as here. Its time is a column.
      const rest = Date.now();
      await page.waitForFunction(
        () => {
          const t = window.__lab.snapshot().training;
          return t.engine !== null && !t.calibrating;
        },
        null,
        { timeout: 120_000, polling: 20 },
      );
      const calibrationMs = Date.now() - rest;
      const train = page.getByRole('button', { name: 'Train', exact: true });
      // Timed in the page: polled every 20 ms from just before the click (a snapshot is not
      // free: finer polling would load the page it times).
      const timing = page.evaluate(
        () =>
          new Promise((resolve) => {
            const t0 = performance.now();
            const marks = {
              engineMs: null,
              firstEpochMs: null,
              lastEpochMs: null,
              doneMs: null,
              mapMs: null,
            };
            const poll = () => {
              const s = window.__lab.snapshot();
              const t = s.training;
              const now = performance.now() - t0;
              const total = t.epochsTotal ?? t.config?.epochs;
              if (marks.engineMs === null && t.status === 'running' && t.engine)
                marks.engineMs = now;
              if (marks.firstEpochMs === null && t.history?.length) marks.firstEpochMs = now;
              if (marks.lastEpochMs === null && t.history?.length && t.history.length >= total)
                marks.lastEpochMs = now;
              if (marks.doneMs === null && ['done', 'stopped', 'error'].includes(t.status))
                marks.doneMs = now;
              if (
                marks.doneMs !== null &&
                s.projection.status === 'done' &&
                s.projection.epoch === (t.test?.epoch ?? t.history.length)
              )
                marks.mapMs = now;
              if (marks.mapMs !== null || now > 600_000) {
                resolve({
                  ...marks,
                  status: t.status,
                  error: t.error ?? null,
                  epochs: t.history.length,
                  trainRows: t.trainRows,
                  readout: t.rowsPerSecond,
                  engine: s.training.engine,
                  model: t.model,
                  engines: s.training.engines,
                  epochSeconds: t.history.map((h) => h.seconds),
                });
                return;
              }
              setTimeout(poll, 20);
            };
            poll();
          }),
      );
      await train.click();
      const r = await timing;
      if (r.status !== 'done') throw new Error(`app run ended ${r.status}: ${r.error}`);
      const what = model ?? (biasedMf ? 'biased MF' : 'first-visit default');
      const map =
        projectEvery === undefined
          ? 'its defaults'
          : projectEvery
            ? `live map every ${projectEvery} epochs`
            : 'map at the end';
      rows.push({
        case: `app, ${what}, ${map}`,
        model: r.model,
        calibrationMs,
        engine: r.engine,
        engines: r.engines,
        epochs: r.epochs,
        trainRows: r.trainRows,
        engineMs: r.engineMs,
        firstEpochMs: r.firstEpochMs,
        lastEpochMs: r.lastEpochMs,
        doneMs: r.doneMs,
        mapMs: r.mapMs,
        rowsPerSecond: (r.trainRows * r.epochs * 1000) / r.lastEpochMs,
        // The page's time per epoch after the first (its steps, validation, snapshot and the
        // page's handling), beside the steps' own seconds as the worker timed them.
        msPerEpoch:
          r.epochs > 1 ? (r.lastEpochMs - r.firstEpochMs) / (r.epochs - 1) : r.lastEpochMs,
        stepSeconds: r.epochSeconds,
        readoutRowsPerSecond: r.readout,
      });
    } finally {
      await page.close();
    }
  }
  return rows;
}
