/** Page object: drives the app through ../shared/CONTRACT.md (accessible names + window.__lab). */
import { expect, type Download, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';

export type Snapshot = {
  dataset: null | {
    name: string;
    rows: number;
    skippedRows: number;
    users: number;
    items: number;
    kind: string;
    itemFeatures: number;
    userFeatures: number;
    issues: { line: number; message: string }[];
  };
  training: {
    status: string;
    backend: string | null;
    engine: string | null;
    engines: { engine: string; rowsPerSecond: number | null; chosen: boolean; reason?: string }[];
    /** A recalibration ("Recalibrate") is measuring the engines. */
    calibrating: boolean;
    /** The run's time before its first step; builtAhead: its trainer was built ahead. */
    setup: null | { engineSeconds: number; reused: boolean; builtAhead?: boolean };
    model: string;
    epoch: number;
    epochsTotal: number;
    step: number;
    rowsPerSecond: number | null;
    history: {
      epoch: number;
      trainLoss: number;
      rmse?: number;
      mae?: number;
      recallAtK?: number;
      ndcgAtK?: number;
      k?: number;
      ranking?: { ndcg10: number; auc: number | null };
      split: 'validation' | 'test';
    }[];
    /** The test part, scored once at the selected epoch when the run ends. */
    test: null | {
      epoch: number;
      rmse?: number;
      mae?: number;
      recallAtK?: number;
      ndcgAtK?: number;
      k?: number;
      auc?: number;
      rows: number;
    };
    tuning: null | {
      status: string;
      done: number;
      total: number;
      best: null | {
        id: number;
        score: number;
        epochs: number;
        settings: { learningRate?: number; l2?: number; dim?: number; hidden?: number };
      };
    };
    folds: null | {
      k: number;
      done: number;
      mean: Record<string, number>;
      sd: Record<string, number>;
    };
    error: string | null;
    baselines: { globalMeanRmse: number; biasRmse: number } | null;
    feedback: string | null;
    earlyStop: { epoch: number; bestEpoch: number } | null;
    space: null | {
      genreAgreement: number | null;
      coOccurrenceOverlap: number | null;
      lowSupportShare: number | null;
      k: number;
      minSupport: number;
      users?: { coOccurrenceOverlap: number | null; lowSupportShare: number | null } | null;
    };
    spaceHistory: {
      epoch: number;
      genreAgreement: number | null;
      coOccurrenceOverlap: number | null;
      lowSupportShare: number | null;
      userCoOccurrenceOverlap: number | null;
    }[];
  };
  runs: {
    id: number;
    model: string;
    feedback: string;
    split: string;
    status: string;
    epochs: number;
    bestRmse: number | null;
    bestRecall20: number | null;
    trial: null | { id: number; rung: number; score: number | null };
    config: { learningRate: number; l2: number; dim: number; epochs: number };
    auc: number | null;
    secondsPerEpoch: number;
    space: null | { genreAgreement: number | null; metric: string };
  }[];
  projection: {
    status: string;
    method: string | null;
    dims: number | null;
    points: number;
    counts: Record<string, number>;
    epoch: number | null;
    shown: Record<string, boolean>;
    marked: number;
    layouts: number[];
    sampled: boolean;
    isolated: number | null;
    replayEpoch: number | null;
  };
  selection: null | {
    kind: string;
    id: string;
    label: string;
    neighbors: { id: string; label: string; score: number; support: number }[];
    minSupport: number;
    hiddenLowSupport: number;
    coOccurrence?: { id: string; label: string; score: number; support: number }[];
    recommendations?: { id: string; label: string; score: number; because: string[] }[];
    metric: string;
    audience?: { id: string; score: number }[];
    relatedItems?: { id: string; label: string }[];
  };
  errors: { source: string; message: string }[];
};

declare global {
  interface Window {
    __lab: {
      snapshot(): Snapshot;
      screenPosition(kind: string, id: string): { x: number; y: number } | null;
    };
  }
}

export class LabPage {
  constructor(readonly page: Page) {}

  async open(query = ''): Promise<void> {
    await this.page.goto(`/${query}`);
    await this.page.waitForFunction(() => window.__lab !== undefined);
  }

  snapshot(): Promise<Snapshot> {
    return this.page.evaluate(() => window.__lab.snapshot());
  }

  /** Polls the snapshot until `pick` returns a truthy value. */
  async until<T>(
    pick: (s: Snapshot) => T | false | null | undefined,
    timeout = 120_000,
  ): Promise<T> {
    let value: T | false | null | undefined;
    await expect
      .poll(
        async () => {
          value = pick(await this.snapshot());
          return Boolean(value);
        },
        { timeout, intervals: [250] },
      )
      .toBe(true);
    return value as T;
  }

  async sampleLoaded(): Promise<Snapshot> {
    return this.until((s) => s.dataset?.rows === 100836 && s.training.backend !== null && s);
  }

  /**
   * Chooses the model to train, as a person would in the Model select. The page's default is the
   * map-first hybrid (implicit feedback, popularity negatives): a spec that reads RMSE or needs a
   * fast run chooses biased MF explicitly.
   */
  async selectModel(name: string): Promise<void> {
    await this.page.getByLabel('Model', { exact: true }).selectOption(name);
    await expect(this.page.getByLabel('Model', { exact: true })).toHaveValue(name);
  }

  async setNumber(label: string, value: number): Promise<void> {
    const box = this.page.getByLabel(label, { exact: true });
    // Run settings (batch size, seed, early stop, re-projection) fold under "Advanced".
    if (!(await box.isVisible())) await this.openAdvanced();
    await box.fill(String(value));
    await expect(box).toHaveValue(String(value));
  }

  /** Unfolds the training panel's "Advanced" settings, as a person would to reach them. */
  async openAdvanced(): Promise<void> {
    const details = this.page.locator('details.advanced');
    if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open)))
      await details.locator('summary').click();
  }

  /**
   * Opens a panel of the dock under the map ("Training curves", "Runs", "Popularity bias") by
   * its toggle, named as the panel's heading (CONTRACT section 2).
   */
  async openPanel(name: string): Promise<void> {
    const toggle = this.page.getByRole('button', { name, exact: true });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  }

  async closePanel(name: string): Promise<void> {
    const toggle = this.page.getByRole('button', { name, exact: true });
    if ((await toggle.getAttribute('aria-expanded')) === 'true') await toggle.click();
  }

  /** Picks the engine in the "Engine" select by value ('webgl', 'cpu', 'webgpu', ...). */
  async chooseEngine(engine: string): Promise<void> {
    await this.page.getByLabel('Engine', { exact: true }).selectOption(engine);
  }

  async train(epochs: number): Promise<Snapshot> {
    await this.setNumber('Epochs', epochs);
    await this.page.getByRole('button', { name: 'Train', exact: true }).click();
    return this.until(
      (s) => ['done', 'error', 'stopped'].includes(s.training.status) && s,
      300_000,
    );
  }

  /** Selects the search result named `result` and returns its neighbours' ids once listed. */
  async neighbourIds(query: string, result: RegExp, id: string): Promise<string[]> {
    await this.page.getByLabel('Search').fill(query);
    await this.page.getByRole('button', { name: result }).click();
    const sel = await this.until(
      (x) => x.selection?.id === id && x.selection.neighbors.length > 0 && x.selection,
    );
    return sel.neighbors.map((n) => n.id);
  }

  /** Clicks a button that downloads a file; returns the file's name and bytes. */
  async download(button: string): Promise<{ name: string; bytes: Buffer }> {
    const [file] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByRole('button', { name: button }).click(),
    ]);
    return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
  }

  /**
   * "Export for TensorBoard": its four downloads by name (vectors.tsv, metadata.tsv,
   * projector_config.pbtxt, projector_config.json), as text.
   */
  async exportForTensorBoard(): Promise<Record<string, string>> {
    const downloads: Download[] = [];
    const onDownload = (d: Download) => downloads.push(d);
    this.page.on('download', onDownload);
    await this.page.getByRole('button', { name: 'Export for TensorBoard' }).click();
    await expect.poll(() => downloads.length).toBe(4);
    this.page.off('download', onDownload);
    return Object.fromEntries(
      await Promise.all(
        downloads.map(async (d) => [
          d.suggestedFilename(),
          readFileSync((await d.path())!, 'utf8'),
        ]),
      ),
    );
  }

  /** The lines of a downloaded text file (the export buttons' CSV). */
  async downloadLines(button: string): Promise<string[]> {
    const { bytes } = await this.download(button);
    return bytes.toString('utf8').trimEnd().split('\n');
  }

  /** Non-background pixels in the embedding canvas (the renderer keeps its drawing buffer). */
  async canvasInk(): Promise<number> {
    return this.page.evaluate(() => {
      const src = document.querySelector<HTMLCanvasElement>('[data-testid="embedding-canvas"]')!;
      const c = document.createElement('canvas');
      c.width = src.width;
      c.height = src.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(src, 0, 0);
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      const [r0, g0, b0] = [px[0], px[1], px[2]];
      let ink = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (Math.abs(px[i] - r0) + Math.abs(px[i + 1] - g0) + Math.abs(px[i + 2] - b0) > 40) ink++;
      }
      return ink;
    });
  }
}
