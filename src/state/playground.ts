/**
 * The cold-start playground: "New user" (mark items as liked or rated) and "New item" (choose
 * item features), answered at every change by folding the new point into the trained model
 * (playground-compute.ts) on the main thread: a few milliseconds at most on the sample.
 *
 * Its state lives in a store of its own, not in the lab's: the folded-in point is not part of the
 * data set, the layout or the saved session, so exports and persistence never see it unless the
 * person downloads it from the panel.
 */
import { createStore, type Store } from './store';
import type { LabState } from './lab-state';
import {
  computePlayground,
  place,
  ratesItems,
  unavailable,
  type PlaygroundKind,
  type PlaygroundMark,
  type PlaygroundResult,
} from './playground-compute';

/** What the map needs to draw the folded-in point (EmbeddingScene implements it). */
export interface MarkerHandle {
  /** World position (x, y, z; z = 0 in 2D), or null to hide the marker. */
  setMarker(position: [number, number, number] | null): void;
  /** Where the marker is drawn, CSS px relative to the canvas, or null. */
  markerScreenPosition(): { x: number; y: number } | null;
}

export interface PlaygroundSession {
  kind: PlaygroundKind;
  /** Whether marks carry a rating (explicit feedback). */
  rates: boolean;
  marks: PlaygroundMark[];
  result: PlaygroundResult | null;
  /** Milliseconds the last update took (fold-in, scoring, reasons and placement). */
  ms: number | null;
  error: string | null;
}

export class PlaygroundController {
  readonly store: Store<{ session: PlaygroundSession | null }> = createStore({
    session: null as PlaygroundSession | null,
  });
  private marker: MarkerHandle | null = null;
  /** The lab state the current result was computed from (by reference). */
  private seen: Pick<LabState, 'dataset' | 'embeddings' | 'projection'> | null = null;

  constructor(private readonly lab: Store<LabState>) {
    lab.subscribe(() => this.follow());
  }

  get session(): PlaygroundSession | null {
    return this.store.get().session;
  }

  /** Why `kind` cannot start now (no model, no features), or null. */
  unavailable(kind: PlaygroundKind): string | null {
    return unavailable(this.lab.get(), kind);
  }

  /** Starts a new user or item with no marks (a second press starts afresh). */
  open(kind: PlaygroundKind): void {
    const s = this.lab.get();
    const reason = unavailable(s, kind);
    this.store.set({
      session: {
        kind,
        rates: kind === 'user' && ratesItems(s),
        marks: [],
        result: null,
        ms: null,
        error: reason,
      },
    });
    if (reason) return;
    // The first fold-in pays the JavaScript engine's compilation of its loops (a few hundred ms
    // on a busy 2-core machine, against about 20 ms after): paid here, on the button press, the
    // first mark already updates within the 100 ms target.
    try {
      computePlayground(s, kind, [{ index: 0, rating: s.dataset?.ratingMax }]);
    } catch {
      // The real update below reports any problem.
    }
    this.update([]);
  }

  close(): void {
    this.store.set({ session: null });
    this.seen = null;
    this.marker?.setMarker(null);
  }

  /** Likes item `index` (implicit), or rates it (explicit; a rating outside the range is refused). */
  mark(index: number, rating?: number): void {
    const session = this.session;
    if (!session) return;
    if (session.rates) {
      const d = this.lab.get().dataset;
      const [lo, hi] = d ? [d.ratingMin, d.ratingMax] : [0.5, 5];
      if (rating === undefined || !(rating >= lo && rating <= hi)) {
        this.store.set({
          session: { ...session, error: `A rating must be a number from ${lo} to ${hi}.` },
        });
        return;
      }
    }
    const marks = session.marks.filter((m) => m.index !== index);
    marks.push(session.rates ? { index, rating } : { index });
    this.update(marks);
  }

  unmark(index: number): void {
    const session = this.session;
    if (session) this.update(session.marks.filter((m) => m.index !== index));
  }

  /** New item: adds or removes item feature `index`. */
  toggle(index: number): void {
    const session = this.session;
    if (!session) return;
    if (session.marks.some((m) => m.index === index)) this.unmark(index);
    else this.update([...session.marks, { index }]);
  }

  /** The map's marker (null when the map goes away). */
  attachMarker(marker: MarkerHandle | null): void {
    this.marker = marker;
    this.drawMarker();
  }

  /** Where the folded-in point is drawn, CSS px relative to the canvas, or null. */
  screenPosition(kind: PlaygroundKind): { x: number; y: number } | null {
    const session = this.session;
    if (!session || session.kind !== kind || !session.result?.position) return null;
    return this.marker?.markerScreenPosition() ?? null;
  }

  private update(marks: PlaygroundMark[]): void {
    const session = this.session;
    if (!session) return;
    const s = this.lab.get();
    const reason = unavailable(s, session.kind);
    const start = performance.now();
    let result: PlaygroundResult | null = null;
    let error = reason;
    if (!reason) {
      try {
        result = computePlayground(s, session.kind, marks);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    }
    const ms = performance.now() - start;
    this.seen = { dataset: s.dataset, embeddings: s.embeddings, projection: s.projection };
    this.store.set({ session: { ...session, marks, result, ms, error } });
    this.drawMarker();
  }

  /** Recomputes when the model or the layout changes; ends with the data set it was made on. */
  private follow(): void {
    const session = this.session;
    const seen = this.seen;
    if (!session || !seen) return;
    const s = this.lab.get();
    if (s.dataset !== seen.dataset) return this.close();
    const layoutMoved =
      s.projection.coords !== seen.projection.coords ||
      s.projection.coordsDims !== seen.projection.coordsDims;
    if (s.embeddings !== seen.embeddings) this.update(session.marks);
    else if (layoutMoved) this.replace();
  }

  /** A new layout of the same model: only the point moves (a live layout changes often). */
  private replace(): void {
    const session = this.session;
    const s = this.lab.get();
    this.seen = { dataset: s.dataset, embeddings: s.embeddings, projection: s.projection };
    const r = session?.result;
    if (!session || !r || !s.embeddings || !session.marks.length) return;
    const position = place(s, s.embeddings, r.vector);
    this.store.set({ session: { ...session, result: { ...r, position } } });
    this.drawMarker();
  }

  private drawMarker(): void {
    const p = this.session?.result?.position ?? null;
    this.marker?.setMarker(p ? [p[0], p[1], p.length > 2 ? p[2] : 0] : null);
  }
}
