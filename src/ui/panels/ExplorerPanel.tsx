/**
 * The latent-space map: toolbars above, the canvas with its labels, tooltip, box and legend, and
 * the layout's status below. The scene is kept in step by useExplorerScene; this only renders.
 */
import { useRef } from 'react';
import { useLabState } from '../lab-context';
import { ProjectionToolbar } from '../explorer/ProjectionToolbar';
import { ViewToolbar } from '../explorer/ViewToolbar';
import { ProjectionStatus } from '../explorer/ProjectionStatus';
import { LIVE_DRAW_LIMIT, useExplorerScene, useShownLayout } from '../explorer/useExplorerScene';

export function ExplorerPanel() {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const { scene, drawn, drawLimit, coloring, labels, box, hover, replay } =
    useExplorerScene(canvasRef);
  const embeddings = useLabState((s) => s.embeddings);
  const running = useLabState((s) => s.projection.status === 'running');
  const labelSize = useLabState((s) => s.view.labelSize);
  const trainingStatus = useLabState((s) => s.training.status);
  const { coords, space, laidOut } = useShownLayout();
  const points = laidOut?.length ?? (space ? space.items + space.users + space.features : 0);
  return (
    <section className="panel explorer" aria-labelledby="explorer-heading">
      <ProjectionToolbar />
      <ViewToolbar scene={scene} drawn={drawn} />
      <div className="canvas-wrap">
        <canvas
          ref={canvasRef}
          data-testid="embedding-canvas"
          tabIndex={0}
          aria-label="Embedding map: drag to orbit, scroll to zoom, arrow keys to rotate, click a point to select it"
        />
        {labels.map((l) => (
          <span
            key={l.key}
            className={`point-label${l.main ? ' main' : ''}`}
            style={{ left: l.x + 6, top: l.y - labelSize / 2, fontSize: labelSize }}
          >
            {l.text}
          </span>
        ))}
        {box && (
          <div
            className="box-select"
            style={{ left: box.x0, top: box.y0, width: box.x1 - box.x0, height: box.y1 - box.y0 }}
          />
        )}
        {hover && (
          <div className="tooltip" style={{ left: hover.x + 12, top: hover.y + 12 }}>
            {hover.label}
          </div>
        )}
        {!coords && (
          <div className="canvas-empty">
            {running
              ? 'Laying out the embeddings…'
              : embeddings
                ? 'Press Project to lay out the embeddings.'
                : trainingStatus === 'running'
                  ? 'The map appears after the first epoch.'
                  : 'Train a model: its user and item embeddings appear here.'}
          </div>
        )}
        {coloring && coords && (
          <div className="legend-box overlay">
            <ul className="legend">
              {coloring.legend.map((l) => (
                <li key={l.label}>
                  <span className={`swatch ${l.shape}`} style={{ background: l.color }} />
                  {l.label}
                </li>
              ))}
            </ul>
            {coloring.gradient && (
              <div className="gradient" aria-label={`Colour: ${coloring.gradient.label}`}>
                <span>{fmtEnd(coloring.gradient.min)}</span>
                <span className="ramp" style={{ background: coloring.gradient.css }} />
                <span>{fmtEnd(coloring.gradient.max)}</span>
                <span className="muted">{coloring.gradient.label}</span>
              </div>
            )}
          </div>
        )}
        {drawLimit !== null && coords && points > drawLimit && (
          <p className="draw-limit small" role="status">
            While training or the layout holds the cores, this software renderer draws{' '}
            {LIVE_DRAW_LIMIT.toLocaleString('en-US')} of the {points.toLocaleString('en-US')} points
            (every k-th, highlighted ones always); all of them when they are free.
          </p>
        )}
      </div>
      <ProjectionStatus replay={replay} />
    </section>
  );
}

function fmtEnd(v: number): string {
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2);
}
