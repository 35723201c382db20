import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useLab, useLabState } from '../lab-context';
import { EmbeddingScene } from '../../scene/EmbeddingScene';
import type { Box } from '../../scene/pointerInput';
import { countKinds } from '../../state/subset';
import { ProgressBar } from '../controls/ProgressBar';
import { NumberField } from '../controls/NumberField';
import {
  colorPoints,
  fadeLowSupport,
  metadataColumns,
  pointShapes,
  pointSizes,
  visibility,
} from './explorer-colors';
import { entityOf, labelOf, pointOf, popularity } from '../../state/points';
import { projectionCsv } from '../../state/export';
import { ProjectorExport } from './ProjectorExport';
import { download, downloadText } from '../download';
import type { ColorBy, Palette, PointKind } from '../../state/lab-state';
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

const KINDS: { kind: PointKind; label: string }[] = [
  { kind: 'item', label: 'Items' },
  { kind: 'user', label: 'Users' },
  { kind: 'feature', label: 'Features' },
];

export function ExplorerPanel() {
  const lab = useLab();
  const id = useId();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [scene, setScene] = useState<EmbeddingScene | null>(null);
  const [hover, setHover] = useState<{ label: string; x: number; y: number } | null>(null);
  /** Set by the epoch slider: the next layout change animates. */
  const replaying = useRef(false);
  const dataset = useLabState((s) => s.dataset);
  const projection = useLabState((s) => s.projection);
  const embeddings = useLabState((s) => s.embeddings);
  const selection = useLabState((s) => s.selection);
  const marked = useLabState((s) => s.marked);
  const exportJob = useLabState((s) => s.exportJob);
  const [topK, setTopK] = useState(10);
  const colorBy = useLabState((s) => s.colorBy);
  const view = useLabState((s) => s.view);
  const trainingStatus = useLabState((s) => s.training.status);
  // The latest layout, or one replayed from the run's history with the epoch slider.
  const replayed = projection.replay !== null ? projection.history[projection.replay] : null;
  const coords = replayed?.coords ?? projection.coords;
  const coordsDims = replayed?.dims ?? projection.coordsDims;
  const space = replayed?.space ?? projection.space;
  const laidOut = replayed ? replayed.laidOut : projection.laidOut;
  const layoutEpoch = replayed?.epoch ?? projection.epoch;
  const columns = useMemo(() => (dataset ? metadataColumns(dataset) : []), [dataset]);
  const minSupport = view.neighbours.minSupport;
  const coloring = useMemo(() => {
    if (!dataset || !space) return null;
    const c = colorPoints(dataset, colorBy, space, embeddings, view.palette);
    // Imported vectors without interactions carry no support to fade by.
    if (dataset.user.length > 0) fadeLowSupport(c.colors, popularity(dataset, space), minSupport);
    return c;
  }, [dataset, colorBy, space, embeddings, view.palette, minSupport]);

  useEffect(() => {
    const s = new EmbeddingScene(canvasRef.current!);
    setScene(s);
    lab.attachScene(s);
    lab.playground.attachMarker(s);
    return () => {
      lab.playground.attachMarker(null);
      lab.attachScene(null);
      s.dispose();
    };
  }, [lab]);

  const drawn = scene !== null && dataset !== null && coords !== null && space !== null;
  useEffect(() => {
    if (!scene || !dataset || !coords || !space) return;
    // Replaying epochs, points glide from one layout to the next (same points, aligned layouts).
    scene.setPoints(toXYZ(coords, coordsDims), coordsDims, replaying.current ? 600 : 0);
    replaying.current = false;
    scene.setShapes(pointShapes(space));
    lab.layoutDrawn();
  }, [lab, scene, dataset, coords, coordsDims, space]);

  useEffect(() => {
    if (drawn && coloring) scene.setColors(coloring.colors);
  }, [drawn, scene, coloring, coords]);

  useEffect(() => {
    if (!drawn) return;
    const mask = visibility(space, view.show);
    if (laidOut) {
      const inLayout = new Uint8Array(mask.length);
      for (const p of laidOut) inLayout[p] = 1;
      for (let i = 0; i < mask.length; i++) mask[i] &= inLayout[i];
    }
    scene.setVisible(mask);
    scene.setSizes(pointSizes(dataset, space, view.sizeByPopularity, view.pointSize));
  }, [
    drawn,
    scene,
    dataset,
    space,
    laidOut,
    view.show,
    view.sizeByPopularity,
    view.pointSize,
    coords,
  ]);

  // A finished layout is framed afresh (its extent can differ from the start it was drawn from),
  // unless the person has moved the camera meanwhile.
  const finished = projection.status === 'done' && projection.replay === null;
  useEffect(() => {
    if (drawn && finished) scene.reframeUnlessMoved();
  }, [drawn, scene, finished, coords]);

  // A different set of points (isolated, sampled, or all again) is framed afresh.
  const framedFor = useRef<Int32Array | null>(null);
  useEffect(() => {
    if (!drawn || framedFor.current === laidOut) return;
    if (framedFor.current !== null || laidOut !== null) scene.resetCamera();
    framedFor.current = laidOut;
  }, [drawn, scene, laidOut]);

  // Labels on the selection and the points it links to, kept in place as the camera moves.
  const [cameraTick, setCameraTick] = useState(0);
  useEffect(() => {
    if (!scene) return;
    let frame = 0;
    const off = scene.onCameraChange(() => {
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        setCameraTick((t) => t + 1);
      });
    });
    return () => {
      off();
      cancelAnimationFrame(frame);
    };
  }, [scene]);
  const [labels, setLabels] = useState<Label[]>([]);
  // Placed on the next frame, after the effects above have drawn the layout.
  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      if (!drawn || !selection || view.labelSize <= 0) return setLabels([]);
      const entries = [
        selection,
        ...selection.neighbors,
        ...(selection.recommendations ?? []),
        ...(selection.audience ?? []),
        ...(selection.relatedItems ?? []),
      ].filter((e) => e.kind !== 'feature' || e.index < space.features);
      const out: Label[] = [];
      // Greedy, in order of importance: a label that would overlap one already placed is left
      // out (the card lists every point; the map should stay readable).
      const size = view.labelSize;
      const boxes: { x0: number; y0: number; x1: number; y1: number }[] = [];
      for (const [k, e] of entries.slice(0, MAX_LABELS).entries()) {
        const at = scene.screenPosition(pointOf(space, e.kind, e.index));
        if (!at) continue;
        const b = {
          x0: at.x,
          y0: at.y - size,
          x1: at.x + 8 + 0.6 * size * e.label.length,
          y1: at.y + size,
        };
        if (boxes.some((o) => b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1)) continue;
        boxes.push(b);
        out.push({ key: `${e.kind}${e.index}`, text: e.label, ...at, main: k === 0 });
      }
      setLabels(out);
    });
    return () => cancelAnimationFrame(frame);
  }, [drawn, scene, space, selection, view.labelSize, view.show, laidOut, coords, cameraTick]);

  // Shift-drag draws a box; on release its points are highlighted together.
  const [box, setBox] = useState<Box | null>(null);
  useEffect(() => {
    if (!scene) return;
    return scene.onBox((b, done) => {
      setBox(done ? null : b);
      if (done) lab.mark({ query: 'box selection', points: scene.pointsInBox(b) });
    });
  }, [scene, lab]);

  useEffect(() => {
    if (!drawn) return;
    const points = (entries: { kind: PointKind; index: number }[] = []) =>
      entries
        .filter((e) => e.kind !== 'feature' || e.index < space.features)
        .map((e) => pointOf(space, e.kind, e.index));
    const selected =
      selection && (selection.kind !== 'feature' || selection.index < space.features)
        ? pointOf(space, selection.kind, selection.index)
        : null;
    // Lines from the selection to its neighbours and to what it points at: a user's history
    // (the items listed) and recommendations, an item's likeliest users, a feature's nearest items.
    const history = (selection?.history ?? []).map((h) => ({
      kind: 'item' as const,
      index: h.index,
    }));
    const linked = selection
      ? points([
          ...history,
          ...selection.neighbors,
          ...(selection.recommendations ?? []),
          ...(selection.audience ?? []),
          ...(selection.relatedItems ?? []),
        ])
      : [];
    scene.setHighlight(selected, linked, marked?.points ?? []);
  }, [drawn, scene, space, selection, marked, coords]);

  useEffect(() => {
    if (!scene || !dataset || !space) return;
    const offHover = scene.onHover((i, x, y) => {
      if (i === null) setHover(null);
      else {
        const e = entityOf(space, i);
        setHover({ label: labelOf(dataset, e.kind, e.index), x, y });
      }
    });
    const offClick = scene.onClick((i) => {
      if (i === null) lab.clearSelection();
      else {
        const e = entityOf(space, i);
        lab.select(e.kind, e.index);
      }
    });
    return () => {
      offHover();
      offClick();
    };
  }, [scene, dataset, space, lab]);

  const running = projection.status === 'running';
  const total = space ? space.items + space.users + space.features : 0;
  const isolated = projection.isolate !== null;
  const sampled = laidOut !== null && !isolated;
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
  const method = METHOD_NAMES[projection.method];
  const exportName = `${dataset?.name.replace(/\W+/g, '-') ?? 'layout'}-${projection.method}-${coordsDims}d`;
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
            <option value="tsne">t-SNE</option>
            <option value="pca">PCA</option>
            <option value="identity" disabled={!!embeddings && embeddings.dim > 3}>
              Identity (≤ 3 dims)
            </option>
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
        {projection.method === 'umap' && (
          <div className="compact-fields">
            <NumberField
              label="Neighbours"
              value={projection.params.nNeighbors}
              min={2}
              max={200}
              step={1}
              integer
              onChange={(v) => lab.setProjectionParams({ nNeighbors: v })}
            />
            <NumberField
              label="Min. distance"
              value={projection.params.minDist}
              min={0}
              max={1}
              step={0.05}
              onChange={(v) => lab.setProjectionParams({ minDist: v })}
            />
          </div>
        )}
        {projection.method === 'tsne' && (
          <div className="compact-fields">
            <NumberField
              label="Perplexity"
              value={projection.params.perplexity}
              min={2}
              max={100}
              step={1}
              onChange={(v) => lab.setProjectionParams({ perplexity: v })}
            />
          </div>
        )}
        {projection.method === 'pca' && (
          <div className="compact-fields">
            <NumberField
              label="First component"
              value={projection.params.firstComponent}
              min={1}
              max={Math.max(1, (embeddings?.dim ?? 3) - projection.dims + 1)}
              step={1}
              integer
              onChange={(v) => lab.setProjectionParams({ firstComponent: v })}
            />
          </div>
        )}
        <div className="compact-fields">
          <NumberField
            label="Max points"
            value={projection.maxPoints}
            min={100}
            max={10_000_000}
            step={1000}
            integer
            onChange={(v) => lab.setMaxPoints(v)}
          />
        </div>
        <button
          type="button"
          className="primary"
          disabled={!embeddings}
          onClick={() => void lab.project()}
        >
          Project
        </button>
      </div>
      <div className="toolbar secondary">
        <div className="field inline">
          <label htmlFor={`${id}-color`}>Colour by</label>
          <select
            id={`${id}-color`}
            value={colorBy}
            onChange={(e) => lab.setColorBy(e.target.value as ColorBy)}
          >
            <option value="kind">kind</option>
            {columns.map((c) => (
              <option key={c.key} value={c.key}>
                {c.label}
              </option>
            ))}
            <option value="popularity">popularity</option>
            <option value="bias" disabled={!embeddings}>
              learned bias
            </option>
            <option value="norm" disabled={!embeddings}>
              embedding norm
            </option>
          </select>
        </div>
        <fieldset className="kinds" aria-label="Show">
          {KINDS.map(({ kind, label }) => (
            <label className="check" key={kind}>
              <input
                type="checkbox"
                checked={view.show[kind]}
                disabled={kind === 'feature' && !space?.features}
                onChange={(e) => lab.setShown(kind, e.target.checked)}
              />
              {label}
            </label>
          ))}
          <label className="check">
            <input
              type="checkbox"
              checked={view.sizeByPopularity}
              onChange={(e) => lab.setView({ sizeByPopularity: e.target.checked })}
            />
            Size by popularity
          </label>
        </fieldset>
        <div className="compact-fields">
          <NumberField
            label="Point size"
            value={view.pointSize}
            min={1}
            max={40}
            step={1}
            onChange={(v) => lab.setView({ pointSize: v })}
          />
          <NumberField
            label="Label size"
            value={view.labelSize}
            min={0}
            max={40}
            step={1}
            onChange={(v) => lab.setView({ labelSize: v })}
          />
          <div className="field">
            <label htmlFor={`${id}-palette`}>Palette</label>
            <select
              id={`${id}-palette`}
              value={view.palette}
              onChange={(e) => lab.setView({ palette: e.target.value as Palette })}
            >
              <option value="default">default</option>
              <option value="colorblind">colour-blind safe</option>
            </select>
          </div>
        </div>
        <button
          type="button"
          disabled={!drawn}
          onClick={() =>
            download(
              `${exportName}.csv`,
              new Blob([projectionCsv(dataset!, space!, coords!, coordsDims, laidOut)], {
                type: 'text/csv',
              }),
            )
          }
        >
          Export CSV
        </button>
        <button
          type="button"
          disabled={!drawn}
          onClick={() => download(`${exportName}.png`, scene!.toPng())}
        >
          Export PNG
        </button>
        <ProjectorExport />
        <button
          type="button"
          disabled={!dataset || !embeddings}
          title="model.json and weights.bin (TensorFlow.js artifacts): the factors, ids, settings and curves; the Data panel opens them again"
          onClick={() => {
            try {
              const { modelJson, weights } = lab.modelFiles();
              download('model.json', new Blob([modelJson], { type: 'application/json' }));
              download('weights.bin', new Blob([weights], { type: 'application/octet-stream' }));
            } catch (e) {
              lab.reportError('export', e instanceof Error ? e.message : String(e));
            }
          }}
        >
          Export for TensorFlow.js
        </button>
        <div className="compact-fields">
          <NumberField
            label="Top-k"
            value={topK}
            min={1}
            max={1000}
            step={1}
            integer
            onChange={setTopK}
          />
          <button
            type="button"
            disabled={!embeddings || trainingStatus === 'running' || exportJob !== null}
            title="user, rank, item, score: every user's top-k items they have not interacted with"
            onClick={() =>
              lab
                .recommendationsCsv(topK)
                .then((csv) => downloadText('recommendations.csv', csv))
                .catch((e: unknown) =>
                  lab.reportError('export', e instanceof Error ? e.message : String(e)),
                )
            }
          >
            Export recommendations CSV
          </button>
        </div>
        {exportJob && (
          <div className="export-progress">
            <ProgressBar value={exportJob.fraction} label="Export progress" />
            <span className="muted small">
              {exportJob.label} {Math.round(exportJob.fraction * 100)}%
            </span>
          </div>
        )}
      </div>
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
            style={{ left: l.x + 6, top: l.y - view.labelSize / 2, fontSize: view.labelSize }}
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
      </div>
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
            Showing a sample of {fmt(laidOut!.length)} of {fmt(total)} points, stratified by kind
            and popularity (every popularity decile keeps its share). Raise “Max points” to lay out
            more.
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
              onChange={(e) => {
                replaying.current = true;
                lab.replayLayout(Number(e.target.value));
              }}
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
    </section>
  );
}

const fmt = (v: number) => v.toLocaleString('en-US');

const METHOD_NAMES: Record<ProjectionMethod, string> = {
  umap: 'UMAP',
  tsne: 't-SNE',
  pca: 'PCA',
  identity: 'Identity',
};

interface Label {
  key: string;
  text: string;
  x: number;
  y: number;
  /** The selected point's own label. */
  main: boolean;
}

/** Labels drawn in the map at most (the selection first, then what it links to). */
const MAX_LABELS = 40;

function fmtEnd(v: number): string {
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2);
}
