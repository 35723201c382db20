/**
 * Which run is best at what: a map-first model is rarely the best rating model, so the runs
 * panel names, per criterion, the run that leads it. Every value is the run's own test result at
 * its validation-selected epoch (or its map's quality when the run ended); nothing here feeds back
 * into training or defaults, it only reads the table.
 */
import type { RunRecord } from './lab-state';

export interface BestAt {
  /** What the run is best at, as the page says it. */
  what: string;
  runId: number;
  model: string;
  feedback: RunRecord['feedback'];
  value: number;
  /** Whether lower is better (RMSE). */
  lowerIsBetter: boolean;
}

interface Criterion {
  what: string;
  value: (r: RunRecord) => number | null | undefined;
  lowerIsBetter: boolean;
}

const CRITERIA: Criterion[] = [
  { what: 'ratings (test RMSE)', value: (r) => r.rmse, lowerIsBetter: true },
  { what: 'ranking (test Recall@20)', value: (r) => r.recall20, lowerIsBetter: false },
  {
    what: 'map (genre agreement@10)',
    value: (r) => r.space?.genreAgreement,
    lowerIsBetter: false,
  },
  {
    what: 'map (ItemKNN overlap@10)',
    value: (r) => r.space?.coOccurrenceOverlap,
    lowerIsBetter: false,
  },
];

/**
 * The leading run per criterion among the finished runs on `dataset` (tuning trials left out:
 * they are the search's steps, and its result is the run trained with the applied settings).
 * A criterion no run reports is left out; ties go to the earlier run.
 */
export function bestAt(runs: readonly RunRecord[], dataset: string): BestAt[] {
  const eligible = runs.filter((r) => r.dataset === dataset && r.status === 'done' && !r.trial);
  const out: BestAt[] = [];
  for (const c of CRITERIA) {
    let best: { run: RunRecord; value: number } | null = null;
    for (const run of eligible) {
      const value = c.value(run);
      if (value == null || !Number.isFinite(value)) continue;
      if (!best || (c.lowerIsBetter ? value < best.value : value > best.value))
        best = { run, value };
    }
    if (best)
      out.push({
        what: c.what,
        runId: best.run.id,
        model: best.run.model,
        feedback: best.run.feedback,
        value: best.value,
        lowerIsBetter: c.lowerIsBetter,
      });
  }
  return out;
}
