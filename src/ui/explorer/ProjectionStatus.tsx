/**
 * Under the map: the layout's progress or summary, the sample note, the highlighted and
 * isolated points' bar, the epoch slider and a projection error.
 */
import { useId } from 'react';
import { useLab, useLabState } from '../lab-context';
import { ProgressBar } from '../controls/ProgressBar';
import { countKinds } from '../../state/subset';
import type { ProjectionMethod } from '../../worker/projection/protocol';
import { useShownLayout } from './useExplorerScene';

const fmt = (v: number) => v.toLocaleString('en-US');

export const METHOD_NAMES: Record<ProjectionMethod, string> = {
  umap: 'UMAP',
  tsne: 't-SNE',
  pca: 'PCA',
  identity: 'Identity',
};

/** `replay` shows a stored layout (an index into the run's layouts), the points gliding to it. */
export function ProjectionStatus({ replay }: { replay: (index: number) => void }) {
  const lab = useLab();
  const id = useId();
  const projection = useLabState((s) => s.projection);
  const marked = useLabState((s) => s.marked);
  const { coords, coordsDims, space, laidOut, epoch: layoutEpoch } = useShownLayout();
  const running = projection.status === 'running';
  const total = space ? space.items + space.users + space.features : 0;
  const isolated = projection.isolate !== null;
  const sampled = laidOut !== null && !isolated;
  const method = METHOD_NAMES[projection.method];
  const layoutSummary = () => {
    const c = countKinds(space!, laidOut);
    return (
      `${fmt(laidOut?.length ?? total)} points (${fmt(c.item)} items, ${fmt(c.user)} users` +
      (c.feature ? `, ${fmt(c.feature)} features` : '') +
      `) · ${method} ${coordsDims}D of epoch ${layoutEpoch}` +
      (projection.ms ? ` · ${(projection.ms / 1000).toFixed(1)} s` : '') +
      (projection.explained
        ? ` · explained variance ${projection.explained.map((v) => (v * 100).toFixed(1) + '%').join(', ')}`
        : '')
    );
  };
  return (
    <div className="projection-status">
      {running ? (
        <>
          <ProgressBar value={projection.fraction} label="Projection progress" />
          <span className="muted small">
            {method} {projection.phase} {Math.round(projection.fraction * 100)}%
          </span>
          <button type="button" className="link" onClick={() => lab.cancelProjection()}>
            Cancel projection
          </button>
        </>
      ) : (
        <span className="muted small">{coords && space ? layoutSummary() : ''}</span>
      )}
      {sampled && (
        <p className="note small" role="status">
          Showing a sample of {fmt(laidOut.length)} of {fmt(total)} points, stratified by kind and
          popularity (every popularity decile keeps its share). Raise “Max points” to lay out more.
        </p>
      )}
      {(marked || isolated) && (
        <div className="marked-bar small">
          {marked && (
            <>
              <span>
                {fmt(marked.points.length)} highlighted ({marked.query})
              </span>
              <button
                type="button"
                className="link"
                disabled={marked.points.length < 2}
                onClick={() => lab.isolate(marked.points)}
              >
                Isolate: lay out only these
              </button>
              <button type="button" className="link" onClick={() => lab.mark(null)}>
                Clear highlight
              </button>
            </>
          )}
          {isolated && (
            <>
              <span>Isolated: {fmt(projection.isolate!.length)} points laid out</span>
              <button type="button" className="link" onClick={() => lab.isolate(null)}>
                Show all points
              </button>
            </>
          )}
        </div>
      )}
      {projection.history.length > 1 && (
        <div className="replay">
          <label htmlFor={`${id}-replay`}>Epoch</label>
          <input
            id={`${id}-replay`}
            type="range"
            min={0}
            max={projection.history.length - 1}
            step={1}
            value={projection.replay ?? projection.history.length - 1}
            aria-valuetext={`epoch ${layoutEpoch}`}
            onChange={(e) => replay(Number(e.target.value))}
          />
          <span className="small">
            {layoutEpoch} of {projection.history.at(-1)!.epoch}
            {projection.replay !== null ? ' (replay)' : ''}
          </span>
        </div>
      )}
      {projection.error && (
        <p className="error" role="alert">
          {projection.error}
        </p>
      )}
    </div>
  );
}
