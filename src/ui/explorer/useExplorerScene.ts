/**
 * Keeps the three.js scene in step with the store: the layout on show (the latest, or one
 * replayed with the epoch slider), colours, visibility and sizes, framing, the selection's
 * highlight and labels, hover, click and box select. Per-frame data goes straight into the
 * scene's buffers; React state holds only what the view renders (labels, box, tooltip).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { useLab, useLabState } from '../lab-context';
import { EmbeddingScene, webglRenderer } from '../../scene/EmbeddingScene';
import type { Box } from '../../scene/pointerInput';
import {
  colorPoints,
  fadeLowSupport,
  pointShapes,
  pointSizes,
  visibility,
} from '../panels/explorer-colors';
import { entityOf, labelOf, pointOf, popularity } from '../../state/points';
import type { PointKind } from '../../state/lab-state';
import { placeLabels, type LabelCandidate } from './label-placement';

/** Labels drawn in the map at most (the selection first, then what it links to). */
const MAX_LABELS = 40;

/**
 * Points the map draws at most on a software renderer while a run trains or a layout is being
 * computed (every k-th, the highlighted ones always; all of them once the cores are free). There
 * the page reads each frame back and waits for the renderer, which shares the cores with
 * training and UMAP: 0.4-1 s a frame at 90,000 points (`SCALE_TRACE`, bench/scale-app.mjs).
 */
export const LIVE_DRAW_LIMIT = 20_000;

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

/** The layout on show: the latest, or one replayed from the run's history. */
export function useShownLayout() {
  const projection = useLabState((s) => s.projection);
  const replayed = projection.replay !== null ? projection.history[projection.replay] : null;
  return {
    coords: replayed?.coords ?? projection.coords,
    coordsDims: replayed?.dims ?? projection.coordsDims,
    space: replayed?.space ?? projection.space,
    laidOut: replayed ? replayed.laidOut : projection.laidOut,
    epoch: replayed?.epoch ?? projection.epoch,
  };
}

export function useExplorerScene(canvasRef: RefObject<HTMLCanvasElement | null>) {
  const lab = useLab();
  const [scene, setScene] = useState<EmbeddingScene | null>(null);
  const [hover, setHover] = useState<{ label: string; x: number; y: number } | null>(null);
  /** Set by the epoch slider: the next layout change animates. */
  const replaying = useRef(false);
  const dataset = useLabState((s) => s.dataset);
  const projection = useLabState((s) => s.projection);
  const embeddings = useLabState((s) => s.embeddings);
  const selection = useLabState((s) => s.selection);
  const marked = useLabState((s) => s.marked);
  const colorBy = useLabState((s) => s.colorBy);
  const view = useLabState((s) => s.view);
  const { coords, coordsDims, space, laidOut } = useShownLayout();
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
  }, [lab, canvasRef]);

  // The cores are busy while a run trains or a layout is computed (the final map's UMAP).
  const busy = useLabState(
    (s) => s.training.status === 'running' || s.projection.status === 'running',
  );
  const drawLimit = busy && webglRenderer().software ? LIVE_DRAW_LIMIT : null;
  useEffect(() => scene?.setDrawLimit(drawLimit), [scene, drawLimit]);

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
  const [labels, setLabels] = useState<LabelCandidate[]>([]);
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
      const candidates: LabelCandidate[] = [];
      for (const [k, e] of entries.slice(0, MAX_LABELS).entries()) {
        const at = scene.screenPosition(pointOf(space, e.kind, e.index));
        if (at)
          candidates.push({ key: `${e.kind}${e.index}`, text: e.label, ...at, main: k === 0 });
      }
      const canvas = canvasRef.current;
      setLabels(
        placeLabels(candidates, {
          size: view.labelSize,
          width: canvas?.clientWidth ?? Infinity,
          height: canvas?.clientHeight ?? Infinity,
          max: MAX_LABELS,
        }),
      );
    });
    return () => cancelAnimationFrame(frame);
  }, [
    drawn,
    scene,
    space,
    selection,
    view.labelSize,
    view.show,
    laidOut,
    coords,
    cameraTick,
    canvasRef,
  ]);

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

  /** The epoch slider: the stored layout `index` is shown, its points gliding there. */
  const replay = useCallback(
    (index: number) => {
      replaying.current = true;
      lab.replayLayout(index);
    },
    [lab],
  );

  return { scene, drawn, drawLimit, coloring, labels, box, hover, replay };
}
