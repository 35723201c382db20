/**
 * A compact line of the values so far (no axes), with the last value written beside it. The
 * full charts are the "Training curves" panel; this one only has to show the trend at a glance.
 */
export function Sparkline({
  values,
  label,
  format,
  width = 150,
  height = 28,
}: {
  values: readonly number[];
  label: string;
  format(v: number): string;
  width?: number;
  height?: number;
}) {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) {
    return <p className="sparkline muted small">{label}: after the first epoch</p>;
  }
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = hi - lo || 1;
  const n = finite.length;
  const pts = finite
    .map((v, i) => {
      const x = n === 1 ? width / 2 : (i / (n - 1)) * (width - 4) + 2;
      const y = height - 2 - ((v - lo) / span) * (height - 4);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
  const last = finite[n - 1];
  return (
    <div className="sparkline small">
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`${label} over ${n} points, last ${format(last)}`}
      >
        {n === 1 ? (
          <circle cx={width / 2} cy={height / 2} r={2.5} />
        ) : (
          <polyline points={pts} fill="none" strokeWidth={1.5} />
        )}
      </svg>
      <span>
        {label} <strong>{format(last)}</strong>
      </span>
    </div>
  );
}
