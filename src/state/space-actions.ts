/**
 * Space quality of the map on show (core/metrics/space-quality.ts, user-space-quality.ts),
 * measured in its own worker: after each epoch of a run (`training.spaceHistory`, a line in the
 * training-curves dock), when a run ends and again when the neighbour settings change
 * (`training.space`, and the run's row in the runs table). A newer end-of-run measurement
 * supersedes an older one still in flight.
 */
import type { Store } from './store';
import { nextTask } from '../core/util/next-task';
import type { LabState } from './lab-state';
import type { SpaceEpoch, SpaceQuality } from '../core/metrics/space-quality';
import { QualityClient } from '../worker/quality/client';
import type { MeasuredSpace } from '../worker/quality/protocol';
import { projectionShare } from './projection-share';

/** `training.space` from a measurement: the CONTRACT fields, and the users' when measured. */
function contractSpace(q: MeasuredSpace): SpaceQuality {
  return {
    genreAgreement: q.genreAgreement,
    coOccurrenceOverlap: q.coOccurrenceOverlap,
    lowSupportShare: q.lowSupportShare,
    k: q.k,
    minSupport: q.minSupport,
    users: q.users && {
      coOccurrenceOverlap: q.users.coOccurrenceOverlap,
      lowSupportShare: q.users.lowSupportShare,
    },
  };
}

export class SpaceActions {
  private readonly client = new QualityClient();
  private generation = 0;
  /** Per-epoch measurements belong to the run of this generation (reset() starts a new one). */
  private runGeneration = 0;
  /** An epoch's measurement in flight: the next epoch is skipped rather than queued. */
  private epochInFlight = false;
  /** No per-epoch measurement starts before this time (performance.now(); see measureEpoch). */
  private restUntil = 0;

  constructor(
    private readonly store: Store<LabState>,
    private readonly reportError: (message: string) => void,
    private readonly cores = typeof navigator !== 'undefined'
      ? navigator.hardwareConcurrency || 1
      : 1,
  ) {}

  /** The embeddings on show and the neighbour settings, or null when there is no item map. */
  private request(): {
    run: () => Promise<MeasuredSpace>;
    metric: LabState['view']['neighbours']['metric'];
  } | null {
    const { dataset, embeddings, view } = this.store.get();
    if (!dataset || !embeddings || embeddings.dim < 2) return null;
    // Models without one vector per item of this data set (fitted references) have no map.
    if (embeddings.itemFactors.length !== dataset.itemIds.length * embeddings.dim) return null;
    const { metric, k, minSupport } = view.neighbours;
    const users =
      embeddings.userFactors.length === dataset.userIds.length * embeddings.dim
        ? { vectors: embeddings.userFactors, dim: embeddings.dim }
        : undefined;
    return {
      metric,
      run: () =>
        this.client.measure(
          dataset,
          embeddings.itemFactors,
          embeddings.dim,
          { metric, k, minSupport },
          users,
        ),
    };
  }

  /**
   * Measures the item (and user) embeddings on show under the page's neighbour settings; `runId`
   * is the runs table row to record them in (null: only `training.space`). The run's per-epoch
   * line goes into its row too: the worker answers in order, so every epoch measured before this
   * request has landed when it does.
   */
  async measure(runId: number | null): Promise<void> {
    const gen = ++this.generation;
    const req = this.request();
    if (!req) return;
    const dataset = this.store.get().dataset;
    try {
      const q = await req.run();
      if (gen !== this.generation || this.store.get().dataset !== dataset) return;
      const space = contractSpace(q);
      this.store.set((s) => ({
        training: { ...s.training, space },
        runs: s.runs.map((r) =>
          r.id === runId
            ? {
                ...r,
                space: { ...space, metric: req.metric },
                ...(s.training.spaceHistory.length && {
                  spaceHistory: s.training.spaceHistory,
                }),
              }
            : r,
        ),
      }));
    } catch (e) {
      if (gen === this.generation)
        this.reportError(`Space quality: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * Measures the map after epoch `epoch` of the run training now, for its per-epoch line. Cheap
   * by construction: the ItemKNN reference is built once per data set in the worker. It takes no
   * more of the machine than the live map does (projection-share.ts): while training keeps the
   * cores busy, a measurement of d ms is followed by a rest of d (1 / share - 1) ms, and an
   * epoch that ends while the measurement runs or rests is skipped, so a fast run is never held
   * back by its measurements (its curve then has a point every few epochs).
   */
  async measureEpoch(epoch: number): Promise<void> {
    if (this.epochInFlight || performance.now() < this.restUntil) return;
    const t0 = performance.now();
    const run = this.runGeneration;
    this.epochInFlight = true;
    try {
      // Not in the epoch event's task: copying 221,000 vectors for the worker is a task itself.
      await nextTask();
      const req = this.request();
      if (!req || run !== this.runGeneration) return;
      const q = await req.run();
      if (run !== this.runGeneration) return;
      const point: SpaceEpoch = {
        epoch,
        genreAgreement: q.genreAgreement,
        coOccurrenceOverlap: q.coOccurrenceOverlap,
        lowSupportShare: q.lowSupportShare,
        userCoOccurrenceOverlap: q.users?.coOccurrenceOverlap ?? null,
      };
      this.store.set((s) => ({
        training: {
          ...s.training,
          spaceHistory: [...s.training.spaceHistory.filter((p) => p.epoch !== epoch), point],
        },
      }));
    } catch {
      // A per-epoch point is a convenience: the end-of-run measurement reports errors.
    } finally {
      this.epochInFlight = false;
      if (run === this.runGeneration) {
        const share = projectionShare(this.store.get(), this.cores);
        const now = performance.now();
        this.restUntil = now + (now - t0) * (1 / share - 1);
      }
    }
  }

  /** Forgets the current measurement (a new run or data set); one in flight is dropped. */
  reset(): void {
    this.generation++;
    this.runGeneration++;
    this.restUntil = 0;
  }

  dispose(): void {
    this.client.dispose();
  }
}
