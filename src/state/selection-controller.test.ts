import { describe, expect, it, vi } from 'vitest';
import { SelectionController } from './selection-controller';
import { labStore, tinyDataset, tinySnapshot } from './test-fixtures';
import type { LabState } from './lab-state';

function setup(patch: Partial<LabState> = {}) {
  const store = labStore({ dataset: tinyDataset(), embeddings: tinySnapshot(), ...patch });
  // Every item of the tiny set has one or two interactions: no minimum support hides them.
  store.set((s) => ({
    view: { ...s.view, neighbours: { metric: 'cosine', k: 5, minSupport: 0 } },
  }));
  const remeasure = vi.fn();
  return { store, remeasure, c: new SelectionController(store, remeasure) };
}

describe('SelectionController', () => {
  it('describes the selected point with its nearest neighbours', () => {
    const { c, store } = setup();
    c.select('item', 0);
    const sel = store.get().selection!;
    expect(sel).toMatchObject({ kind: 'item', index: 0, id: '10', label: 'Alien' });
    // Item 1 points the same way as item 0; item 3 the opposite way.
    expect(sel.neighbors[0].label).toBe('Aliens');
    expect(sel.neighbors.at(-1)?.label).not.toBe('Aliens');
    c.clearSelection();
    expect(store.get().selection).toBeNull();
  });

  it('selects nothing without a data set', () => {
    const { c, store } = setup({ dataset: null });
    c.select('item', 0);
    expect(store.get().selection).toBeNull();
  });

  it('recomputes the card from new embeddings', () => {
    const { c, store } = setup();
    c.select('item', 0);
    // Now item 2 points along x with item 0.
    const moved = tinySnapshot(2);
    moved.itemFactors.set([1, 0.05], 4);
    moved.itemFactors.set([0, 1], 2);
    store.set({ embeddings: moved });
    c.refreshSelection();
    expect(store.get().selection!.neighbors[0].label).toBe('Amélie');
  });

  it('keeps a bookmarked selection until its data set arrives, and drops unknown ids', () => {
    const { c, store } = setup({ dataset: null });
    c.selectById({ kind: 'user', id: 'u2' });
    expect(store.get().selection).toBeNull();
    store.set({ dataset: tinyDataset() });
    c.restorePending();
    expect(store.get().selection).toMatchObject({ kind: 'user', index: 1 });
    c.clearSelection();
    c.restorePending(); // applied once only
    expect(store.get().selection).toBeNull();
    c.selectById({ kind: 'item', id: 'no such item' });
    expect(store.get().selection).toBeNull();
  });

  it('neighbour settings recompute the card, and the space quality when a run measured it', () => {
    const { c, store, remeasure } = setup();
    c.select('item', 0);
    c.setNeighbours({ k: 1 });
    expect(store.get().view.neighbours.k).toBe(1);
    expect(store.get().selection!.neighbors).toHaveLength(1);
    expect(remeasure).not.toHaveBeenCalled();
    store.set((s) => ({
      training: {
        ...s.training,
        space: {
          genreAgreement: 1,
          coOccurrenceOverlap: 0,
          lowSupportShare: 0,
          k: 1,
          minSupport: 0,
        },
      },
    }));
    c.setNeighbours({ metric: 'dot' });
    expect(remeasure).toHaveBeenCalledOnce();
  });

  it('holds what is drawn and highlighted', () => {
    const { c, store } = setup();
    c.setShown('user', false);
    c.setView({ pointSize: 7 });
    expect(store.get().view.show).toMatchObject({ user: false, item: true });
    expect(store.get().view.pointSize).toBe(7);
    c.mark({ query: 'alien', points: [0, 1] });
    expect(store.get().marked?.points).toEqual([0, 1]);
    c.mark({ query: 'nothing', points: [] });
    expect(store.get().marked).toBeNull();
  });
});
