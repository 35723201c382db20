/**
 * A 2D scatter plot on a canvas (thousands of points), with a log or linear x axis, hover labels
 * and click-to-pick. Emphasised points are drawn last, larger and ringed, so they stay visible in
 * a dense cloud.
 */
import { useEffect, useRef, useState } from 'react';
import { ticks } from './LineChart';

export interface ScatterProps {
  title: string;
  xLabel: string;
  yLabel: string;
  x: Float32Array;
  y: Float32Array;
  /** CSS colour per point. */
  color: (i: number) => string;
  /** Points to leave out (e.g. hidden kinds). */
  include?: (i: number) => boolean;
  logX?: boolean;
  /** Points drawn on top, larger; the first is ringed (the selection). */
  emphasised: number[];
  label: (i: number) => string;
  onPick: (i: number | null) => void;
  height?: number;
}

const PAD = { l: 52, r: 12, t: 10, b: 40 };
/**
 * Points drawn at most: above it every k-th included point is drawn (emphasised ones always).
 * The plot redraws on each render, and 220,000 points (MovieLens 25M's users and items) took the
 * main thread about a second each time (issue 15); 20,000 keep the cloud's shape.
 */
export const MAX_DRAWN = 20_000;

export function ScatterCanvas(props: ScatterProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ i: number; x: number; y: number } | null>(null);
  const [width, setWidth] = useState(600);
  const height = props.height ?? 260;
  const { x, y, logX, include } = props;
  const fx = (v: number) => (logX ? Math.log10(1 + v) : v);

  // Scales from the included points' extent.
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < x.length; i++) {
    if (include && !include(i)) continue;
    const [a, b] = [fx(x[i]), y[i]];
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    [x0, x1, y0, y1] = [Math.min(x0, a), Math.max(x1, a), Math.min(y0, b), Math.max(y1, b)];
  }
  const has = x0 <= x1;
  if (!has) [x0, x1, y0, y1] = [0, 1, 0, 1];
  if (y1 === y0) y1 = y0 + 1;
  if (x1 === x0) x1 = x0 + 1;
  const sx = (v: number) => PAD.l + ((fx(v) - x0) / (x1 - x0)) * (width - PAD.l - PAD.r);
  const sy = (v: number) => PAD.t + (1 - (v - y0) / (y1 - y0)) * (height - PAD.t - PAD.b);

  useEffect(() => {
    const canvas = ref.current!;
    const observer = new ResizeObserver(() => setWidth(canvas.clientWidth || 600));
    observer.observe(canvas);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const canvas = ref.current!;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    // Drawn on the CPU: 20,000 small rects (a redraw each epoch while training) made a 96-123 ms
    // task with a software GPU rasterising them, 0-52 ms on the CPU (SwiftShader, idle cores).
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#8a91ad';
    ctx.strokeStyle = '#2a2f42';
    // Axes: y ticks with grid lines; x ticks in data units (powers of ten on a log axis).
    ctx.textAlign = 'right';
    for (const v of ticks(y0, y1, 4)) {
      ctx.beginPath();
      ctx.moveTo(PAD.l, sy(v));
      ctx.lineTo(width - PAD.r, sy(v));
      ctx.stroke();
      ctx.fillText(v.toFixed(2), PAD.l - 6, sy(v) + 4);
    }
    ctx.textAlign = 'center';
    const xTicks = logX
      ? [0, 1, 10, 100, 1e3, 1e4, 1e5, 1e6].filter((v) => fx(v) >= x0 && fx(v) <= x1)
      : ticks(x0, x1, 6);
    for (const v of xTicks) ctx.fillText(v.toLocaleString('en-US'), sx(v), height - 24);
    ctx.fillText(props.xLabel, (PAD.l + width - PAD.r) / 2, height - 6);
    ctx.save();
    ctx.translate(12, (PAD.t + height - PAD.b) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(props.yLabel, 0, 0);
    ctx.restore();
    // Points, then the emphasised ones on top.
    ctx.globalAlpha = props.emphasised.length ? 0.35 : 0.7;
    const stride = Math.ceil(x.length / MAX_DRAWN);
    for (let i = 0; i < x.length; i += stride) {
      if (include && !include(i)) continue;
      ctx.fillStyle = props.color(i);
      ctx.fillRect(sx(x[i]) - 1.5, sy(y[i]) - 1.5, 3, 3);
    }
    ctx.globalAlpha = 1;
    props.emphasised.forEach((i, k) => {
      if (include && !include(i)) return;
      ctx.fillStyle = props.color(i);
      ctx.beginPath();
      ctx.arc(sx(x[i]), sy(y[i]), k === 0 ? 5 : 3.5, 0, 2 * Math.PI);
      ctx.fill();
      if (k === 0) {
        ctx.strokeStyle = '#ffffff';
        ctx.lineWidth = 2;
        ctx.stroke();
      }
    });
  });

  /** The included point nearest (cx, cy) within 8 px, or null. */
  const pick = (cx: number, cy: number): number | null => {
    let [best, bestD] = [null as number | null, 64];
    for (let i = 0; i < x.length; i++) {
      if (include && !include(i)) continue;
      const d = (sx(x[i]) - cx) ** 2 + (sy(y[i]) - cy) ** 2;
      if (d < bestD) [best, bestD] = [i, d];
    }
    return best;
  };
  const local = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top] as const;
  };

  return (
    <figure className="chart scatter">
      <figcaption>{props.title}</figcaption>
      <div className="scatter-wrap">
        <canvas
          ref={ref}
          role="img"
          aria-label={props.title}
          style={{ width: '100%', height }}
          onMouseMove={(e) => {
            const [cx, cy] = local(e);
            const i = pick(cx, cy);
            setHover(i === null ? null : { i, x: cx, y: cy });
          }}
          onMouseLeave={() => setHover(null)}
          onClick={(e) => props.onPick(pick(...local(e)))}
        />
        {hover && (
          <div className="tooltip" style={{ left: hover.x + 12, top: hover.y + 12 }}>
            {props.label(hover.i)}
          </div>
        )}
      </div>
    </figure>
  );
}
