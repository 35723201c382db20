/** A small SVG line chart: series of (x, y) points plus horizontal reference lines, with a legend. */
export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
  markers?: boolean;
}

export interface RefLine {
  name: string;
  color: string;
  y: number;
}

interface Props {
  title: string;
  series: Series[];
  refLines?: RefLine[];
  xLabel: string;
  xMax?: number;
  height?: number;
  empty: string;
}

const W = 460;
const PAD = { l: 48, r: 12, t: 10, b: 38 };

/** Round tick values (1, 2 or 5 times a power of ten apart) covering [lo, hi], about `count`. */
export function ticks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || 1;
  const step = 10 ** Math.floor(Math.log10(span / count));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= count) ?? step * 10;
  const out: number[] = [];
  for (let v = Math.ceil(lo / nice) * nice; v <= hi + 1e-9; v += nice)
    out.push(Number(v.toPrecision(12)));
  return out;
}

export function LineChart({
  title,
  series,
  refLines = [],
  xLabel,
  xMax,
  height = 190,
  empty,
}: Props) {
  const pts = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y));
  const has = pts.length > 0;
  const ys = [...pts.map((p) => p.y), ...refLines.map((r) => r.y)].filter(Number.isFinite);
  let yLo = has ? Math.min(...ys) : 0;
  let yHi = has ? Math.max(...ys) : 1;
  const pad = (yHi - yLo) * 0.08 || Math.abs(yHi) * 0.1 || 1;
  yLo -= pad;
  yHi += pad;
  const xHi = Math.max(xMax ?? 0, ...pts.map((p) => p.x), 1);
  const H = height;
  const sx = (x: number) => PAD.l + (x / xHi) * (W - PAD.l - PAD.r);
  const sy = (y: number) => PAD.t + (1 - (y - yLo) / (yHi - yLo)) * (H - PAD.t - PAD.b);
  const yTicks = ticks(yLo, yHi, 4);
  // Enough decimals that neighbouring ticks read differently (0.095 and 0.1, not 0.10 twice).
  const step = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 1;
  const tickDigits = Math.min(6, Math.max(2, Math.ceil(-Math.log10(step) + 1e-9)));
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        {yTicks.map((v) => (
          <g key={`y${v}`}>
            <line x1={PAD.l} x2={W - PAD.r} y1={sy(v)} y2={sy(v)} className="grid" />
            <text x={PAD.l - 6} y={sy(v) + 4} textAnchor="end" className="tick">
              {Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(tickDigits)}
            </text>
          </g>
        ))}
        {ticks(0, xHi, 6).map((v) => (
          <text key={`x${v}`} x={sx(v)} y={H - 22} textAnchor="middle" className="tick">
            {v}
          </text>
        ))}
        <text x={(PAD.l + W - PAD.r) / 2} y={H - 4} textAnchor="middle" className="tick axis-label">
          {xLabel}
        </text>
        {has &&
          refLines.map((r) => (
            <line
              key={r.name}
              x1={PAD.l}
              x2={W - PAD.r}
              y1={sy(r.y)}
              y2={sy(r.y)}
              stroke={r.color}
              strokeDasharray="5 4"
            />
          ))}
        {series.map((s) => (
          <g key={s.name}>
            <polyline
              fill="none"
              stroke={s.color}
              strokeWidth={2}
              points={s.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')}
            />
            {s.markers &&
              s.points.map((p) => (
                <circle key={p.x} cx={sx(p.x)} cy={sy(p.y)} r={3} fill={s.color} />
              ))}
          </g>
        ))}
        {!has && (
          <text x={W / 2} y={H / 2} textAnchor="middle" className="chart-empty">
            {empty}
          </text>
        )}
      </svg>
      <ul className="legend">
        {series.map((s) => (
          <li key={s.name}>
            <span className="swatch" style={{ background: s.color }} />
            {s.name}
          </li>
        ))}
        {refLines.map((r) => (
          <li key={r.name}>
            <span className="swatch dashed" style={{ borderColor: r.color }} />
            {r.name} ({r.y.toFixed(3)})
          </li>
        ))}
      </ul>
    </figure>
  );
}
