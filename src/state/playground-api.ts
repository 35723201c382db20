/** The playground's part of `window.__lab.snapshot()` (CONTRACT section 4). */
import type { Lab } from './lab';

/** The id `screenPosition(kind, id)` takes for the folded-in point. */
export const NEW_POINT_ID = '__new__';

export function playgroundSnapshot(lab: Lab) {
  const session = lab.playground.session;
  const d = lab.store.get().dataset;
  if (!session || !d) return null;
  const r = session.result;
  const names = d.itemFeatures.names;
  return {
    kind: session.kind,
    // New user: item ids (with the rating when explicit); new item: the chosen features' names.
    marked: session.marks.map((m) => ({
      id: session.kind === 'user' ? d.itemIds[m.index] : names[m.index],
      ...(m.rating !== undefined && { rating: m.rating }),
    })),
    recommendations: (r?.recommendations ?? []).map((x) => ({
      id: x.id,
      label: x.label,
      score: x.score,
      because: [...x.because],
    })),
    point: !!r?.position,
    // Additions beyond the contract's minimum:
    /** New item: its likeliest users. */
    audience: (r?.audience ?? []).map((x) => ({ id: x.id, score: x.score })),
    method: r?.method ?? null,
    /** Milliseconds the last update took (fold-in, top-k, reasons and placement). */
    ms: session.ms,
    error: session.error,
  };
}
