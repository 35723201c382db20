/**
 * Selection and what the map shows: the selected point's card (neighbours, recommendations),
 * the neighbour settings, the highlighted points, which kinds are drawn and how. A bookmarked
 * selection (URL or restored session) waits here until its data set is loaded.
 */
import type { Store } from './store';
import type { LabState, PointKind, ViewState } from './lab-state';
import { describeSelection, type NeighbourOptions } from './selection';
import { indexOfId } from './points';
import type { UrlView } from './url-state';

export type PendingSelection = NonNullable<UrlView['selection']>;

export class SelectionController {
  private pending: PendingSelection | null = null;

  constructor(
    private readonly store: Store<LabState>,
    /** Re-measures the finished run's space quality (SpaceActions.measure(null)). */
    private readonly remeasureSpace: () => void,
  ) {}

  select(kind: PointKind, index: number): void {
    const { dataset, embeddings, view } = this.store.get();
    if (!dataset) return;
    this.store.set({
      selection: describeSelection(dataset, embeddings, kind, index, view.neighbours),
    });
  }

  clearSelection(): void {
    this.store.set({ selection: null });
  }

  /** Recomputes the card of the selected point (new embeddings or settings). */
  refreshSelection(): void {
    const sel = this.store.get().selection;
    if (sel) this.select(sel.kind, sel.index);
  }

  /**
   * Selects a point by its id once its data set is loaded (now, if it is); null forgets a
   * selection still waiting. An id not in the data set is dropped.
   */
  selectById(want: PendingSelection | null): void {
    this.pending = want;
    this.restorePending();
  }

  /** Applies a waiting selection when its data set has arrived. */
  restorePending(): void {
    const want = this.pending;
    const d = this.store.get().dataset;
    if (!want || !d) return;
    this.pending = null;
    const index = indexOfId(d, want.kind, want.id);
    if (index >= 0) this.select(want.kind, index);
  }

  /**
   * Neighbour search settings (metric, k, minimum support); the selection, and the finished run's
   * space quality, are recomputed with them.
   */
  setNeighbours(patch: Partial<NeighbourOptions>): void {
    this.store.set((s) => ({
      view: { ...s.view, neighbours: { ...s.view.neighbours, ...patch } },
    }));
    this.refreshSelection();
    if (this.store.get().training.space) this.remeasureSpace();
  }

  /** Shows or hides one kind of point. */
  setShown(kind: PointKind, shown: boolean): void {
    this.store.set((s) => ({ view: { ...s.view, show: { ...s.view.show, [kind]: shown } } }));
  }

  /** Drawing settings: size by popularity, point and label size, palette. */
  setView(patch: Partial<Omit<ViewState, 'show' | 'neighbours'>>): void {
    this.store.set((s) => ({ view: { ...s.view, ...patch } }));
  }

  /** Highlights a set of points together (e.g. a search's matches); null clears. */
  mark(marked: { query: string; points: number[] } | null): void {
    this.store.set({ marked: marked && marked.points.length ? marked : null });
  }
}
