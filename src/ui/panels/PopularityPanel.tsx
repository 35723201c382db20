/**
 * The popularity-bias view: every item's and user's embedding norm against its interactions. In a
 * dot-product model a longer vector scores higher against everything, so a norm that grows with
 * popularity is the model learning to recommend what is already popular. Linked to the map:
 * hovering names a point, clicking selects it, the selection and highlighted points stand out.
 */
import { useDeferredValue, useMemo } from 'react';
import { useLab, useLabState } from '../lab-context';
import { ScatterCanvas } from '../charts/ScatterCanvas';
import { entityOf, labelOf, pointNorms, pointOf, popularity } from '../../state/points';
import { FEATURE_COLOR, ITEM_COLOR, USER_COLOR } from './explorer-colors';

/** Pearson correlation of log(1 + interactions) and norm over the included points. */
function correlation(x: Float32Array, y: Float32Array, include: (i: number) => boolean): number {
  let [n, sx, sy, sxx, syy, sxy] = [0, 0, 0, 0, 0, 0];
  for (let i = 0; i < x.length; i++) {
    if (!include(i)) continue;
    const a = Math.log1p(x[i]);
    n++;
    sx += a;
    sy += y[i];
    sxx += a * a;
    syy += y[i] * y[i];
    sxy += a * y[i];
  }
  const cov = sxy / n - (sx / n) * (sy / n);
  const va = sxx / n - (sx / n) ** 2;
  const vb = syy / n - (sy / n) ** 2;
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : NaN;
}

export function PopularityPanel() {
  const lab = useLab();
  const dataset = useLabState((s) => s.dataset);
  // A new snapshot every epoch: its norms (a pass over every point) and the chart are drawn in a
  // render of their own after the epoch's urgent updates, not in the same main-thread task.
  const embeddings = useDeferredValue(useLabState((s) => s.embeddings));
  const selection = useLabState((s) => s.selection);
  const marked = useLabState((s) => s.marked);
  const show = useLabState((s) => s.view.show);
  const space = useMemo(
    () =>
      dataset && embeddings
        ? { items: dataset.itemIds.length, users: dataset.userIds.length, features: 0 }
        : null,
    [dataset, embeddings],
  );
  const data = useMemo(
    () =>
      dataset && embeddings && space && embeddings.dim >= 1
        ? { x: popularity(dataset, space), y: pointNorms(embeddings, space) }
        : null,
    [dataset, embeddings, space],
  );
  const r = useMemo(
    () => (data && space ? correlation(data.x, data.y, (i) => i < space.items) : NaN),
    [data, space],
  );
  if (!dataset || !space || !data)
    return (
      <section className="panel" aria-labelledby="popularity-heading">
        <h2 id="popularity-heading">Popularity bias</h2>
        <p className="muted">
          {dataset
            ? 'Train a model: each point here is an item or user, its embedding norm against how often it was interacted with.'
            : 'Load data and train a model to see whether its embedding norms follow popularity.'}
        </p>
      </section>
    );
  const include = (i: number) => (i < space.items ? show.item : show.user);
  const emphasised = [
    ...(selection && selection.kind !== 'feature'
      ? [pointOf(space, selection.kind, selection.index)]
      : []),
    ...(marked?.points.filter((p) => p < space.items + space.users) ?? []),
  ];
  return (
    <section className="panel" aria-labelledby="popularity-heading">
      <h2 id="popularity-heading">Popularity bias</h2>
      <p className="muted small">
        A dot-product model scores a long vector high against everything: when norms grow with
        interactions, it recommends what is already popular. Items: correlation of norm with
        log(interactions) <strong>{Number.isFinite(r) ? r.toFixed(2) : '–'}</strong>.{' '}
        <span className="swatch" style={{ background: ITEM_COLOR }} />
        items <span className="swatch square" style={{ background: USER_COLOR }} />
        users
      </p>
      <ScatterCanvas
        title="Embedding norm against interactions"
        xLabel="interactions (log scale)"
        yLabel="embedding norm"
        x={data.x}
        y={data.y}
        logX
        include={include}
        color={(i) =>
          i < space.items ? ITEM_COLOR : i < space.items + space.users ? USER_COLOR : FEATURE_COLOR
        }
        emphasised={emphasised}
        label={(i) => {
          const e = entityOf(space, i);
          return `${labelOf(dataset, e.kind, e.index)} · ${data.x[i]} interactions · norm ${data.y[i].toFixed(3)}`;
        }}
        onPick={(i) => {
          if (i === null) return;
          const e = entityOf(space, i);
          lab.select(e.kind, e.index);
        }}
      />
    </section>
  );
}
