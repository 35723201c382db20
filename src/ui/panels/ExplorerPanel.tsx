import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useLab, useLabState } from '../lab-context';
import { EmbeddingScene } from '../../scene/EmbeddingScene';
import { ProgressBar } from '../controls/ProgressBar';
import { colorPoints, pointShapes } from './explorer-colors';
import { entityOf, labelOf, pointOf } from '../../state/points';
import type { ColorBy } from '../../state/lab-state';
import type { ProjectionMethod } from '../../worker/projection/protocol';

/** Layout (n x dims) -> scene positions (n x 3). */
function toXYZ(coords: Float32Array, dims: 2 | 3): Float32Array {
  if (dims === 3) return coords;
  const n = coords.length / 2;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[i * 3] = coords[i * 2];
    out[i * 3 + 1] = coords[i * 2 + 1];
  }
  return out;
}

export function ExplorerPanel() {
  const lab = useLab();
  const id = useId();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [scene, setScene] = useState<EmbeddingScene | null>(null);
  const [hover, setHover] = useState<{ label: string; x: number; y: number } | null>(null);
  const dataset = useLabState((s) => s.dataset);
  const projection = useLabState((s) => s.projection);
  const hasEmbeddings = useLabState((s) => s.embeddings !== null);
  const selection = useLabState((s) => s.selection);
  const colorBy = useLabState((s) => s.colorBy);
  const training = useLabState((s) => s.training.status);
  const coloring = useMemo(
    () => (dataset ? colorPoints(dataset, colorBy) : null),
    [dataset, colorBy],
  );

  useEffect(() => {
    const s = new EmbeddingScene(canvasRef.current!);
    setScene(s);
    lab.attachScene(s);
    return () => {
      lab.attachScene(null);
      s.dispose();
    };
  }, [lab]);

  const { coords, coordsDims } = projection;
  const drawn = scene !== null && dataset !== null && coords !== null;
  useEffect(() => {
    if (!scene || !dataset || !coords || !coloring) return;
    scene.setPoints(toXYZ(coords, coordsDims), coordsDims, 0);
    scene.setColors(coloring.colors);
    scene.setShapes(pointShapes(dataset));
  }, [scene, dataset, coords, coordsDims, coloring]);

  useEffect(() => {
    if (!drawn || !scene || !dataset) return;
    if (!selection) scene.setHighlight(null, []);
    else
      scene.setHighlight(
        pointOf(dataset, selection.kind, selection.index),
        selection.neighbors.map((n) => pointOf(dataset, n.kind, n.index)),
      );
  }, [drawn, scene, dataset, selection, coords]);

  useEffect(() => {
    if (!scene || !dataset) return;
    const offHover = scene.onHover((i, x, y) => {
      if (i === null) setHover(null);
      else {
        const e = entityOf(dataset, i);
        setHover({ label: labelOf(dataset, e.kind, e.index), x, y });
      }
    });
    const offClick = scene.onClick((i) => {
      if (i === null) lab.clearSelection();
      else {
        const e = entityOf(dataset, i);
        lab.select(e.kind, e.index);
      }
    });
    return () => {
      offHover();
      offClick();
    };
  }, [scene, dataset, lab]);

  const running = projection.status === 'running';
  return (
    <section className="panel explorer" aria-labelledby="explorer-heading">
      <div className="toolbar">
        <h2 id="explorer-heading">Latent space</h2>
        <div className="field inline">
          <label htmlFor={`${id}-method`}>Projection</label>
          <select
            id={`${id}-method`}
            value={projection.method}
            onChange={(e) => lab.setProjection(e.target.value as ProjectionMethod, projection.dims)}
          >
            <option value="umap">UMAP</option>
            <option value="pca">PCA</option>
          </select>
        </div>
        <div className="field inline">
          <label htmlFor={`${id}-dims`}>Dimensions</label>
          <select
            id={`${id}-dims`}
            value={projection.dims}
            onChange={(e) => lab.setProjection(projection.method, Number(e.target.value) as 2 | 3)}
          >
            <option value={3}>3D</option>
            <option value={2}>2D</option>
          </select>
        </div>
        <div className="field inline">
          <label htmlFor={`${id}-color`}>Colour by</label>
          <select
            id={`${id}-color`}
            value={colorBy}
            onChange={(e) => lab.setColorBy(e.target.value as ColorBy)}
          >
            <option value="kind">user / item</option>
            <option value="genre" disabled={!dataset?.itemFeatures.names.length}>
              item genre
            </option>
          </select>
        </div>
        <button
          type="button"
          className="primary"
          disabled={!hasEmbeddings}
          onClick={() => void lab.project()}
        >
          Project
        </button>
      </div>
      <div className="canvas-wrap">
        <canvas
          ref={canvasRef}
          data-testid="embedding-canvas"
          tabIndex={0}
          aria-label="Embedding map: drag to orbit, scroll to zoom, arrow keys to rotate, click a point to select it"
        />
        {hover && (
          <div className="tooltip" style={{ left: hover.x + 12, top: hover.y + 12 }}>
            {hover.label}
          </div>
        )}
        {!coords && (
          <div className="canvas-empty">
            {running
              ? 'Laying out the embeddings…'
              : hasEmbeddings
                ? 'Press Project to lay out the embeddings.'
                : training === 'running'
                  ? 'The map appears after the first epoch.'
                  : 'Train a model: its user and item embeddings appear here.'}
          </div>
        )}
        {coloring && coords && (
          <ul className="legend overlay">
            {coloring.legend.map((l) => (
              <li key={l.label}>
                <span className={`swatch ${l.shape}`} style={{ background: l.color }} />
                {l.label}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="projection-status">
        {running ? (
          <>
            <ProgressBar value={projection.fraction} label="Projection progress" />
            <span className="muted small">
              {projection.method.toUpperCase()} {projection.phase}{' '}
              {Math.round(projection.fraction * 100)}%
            </span>
          </>
        ) : (
          <span className="muted small">
            {coords
              ? `${(coords.length / coordsDims).toLocaleString('en-US')} points · ${projection.method.toUpperCase()} ${coordsDims}D of epoch ${projection.epoch}` +
                (projection.ms ? ` · ${(projection.ms / 1000).toFixed(1)} s` : '') +
                (projection.explained
                  ? ` · explained variance ${projection.explained.map((v) => (v * 100).toFixed(1) + '%').join(', ')}`
                  : '')
              : ''}
          </span>
        )}
        {projection.error && (
          <p className="error" role="alert">
            {projection.error}
          </p>
        )}
      </div>
    </section>
  );
}
