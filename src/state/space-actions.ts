/**
 * Space quality of the map on show (core/metrics/space-quality.ts), measured in its own worker
 * when a run ends and again when the neighbour settings change: `training.space`, and the run's
 * row in the runs table. A newer measurement supersedes an older one still in flight.
 */
import type { Store } from './store';
import type { LabState } from './lab-state';
import { QualityClient } from '../worker/quality/client';

export class SpaceActions {
  private readonly client = new QualityClient();
  private generation = 0;

  constructor(
    private readonly store: Store<LabState>,
    private readonly reportError: (message: string) => void,
  ) {}

  /**
   * Measures the item embeddings on show under the page's neighbour settings; `runId` is the runs
   * table row to record them in (null: only `training.space`).
   */
  async measure(runId: number | null): Promise<void> {
    const { dataset, embeddings, view } = this.store.get();
    const gen = ++this.generation;
    if (!dataset || !embeddings || embeddings.dim < 2) return;
    const n = dataset.itemIds.length;
    // Models without one vector per item of this data set (fitted references) have no map.
    if (embeddings.itemFactors.length !== n * embeddings.dim) return;
    const { metric, k, minSupport } = view.neighbours;
    try {
      const q = await this.client.measure(dataset, embeddings.itemFactors, embeddings.dim, {
        metric,
        k,
        minSupport,
      });
      if (gen !== this.generation || this.store.get().dataset !== dataset) return;
      const space = {
        genreAgreement: q.genreAgreement,
        coOccurrenceOverlap: q.coOccurrenceOverlap,
        lowSupportShare: q.lowSupportShare,
        k: q.k,
        minSupport: q.minSupport,
      };
      this.store.set((s) => ({
        training: { ...s.training, space },
        runs: s.runs.map((r) => (r.id === runId ? { ...r, space: { ...space, metric } } : r)),
      }));
    } catch (e) {
      if (gen === this.generation)
        this.reportError(`Space quality: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Forgets the current measurement (a new run or data set); one in flight is dropped. */
  reset(): void {
    this.generation++;
  }

  dispose(): void {
    this.client.dispose();
  }
}
