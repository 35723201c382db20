/** Number formatting for the UI. */
export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

export function fmtNum(n: number | null | undefined, digits = 4): string {
  return n == null || !Number.isFinite(n) ? '–' : n.toFixed(digits);
}

export function fmtDuration(seconds: number | null): string {
  if (seconds == null || !Number.isFinite(seconds)) return '–';
  if (seconds < 1) return '< 1 s';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - m * 60)} s`;
}

export function fmtRate(rowsPerSecond: number | null): string {
  if (rowsPerSecond == null) return '–';
  if (rowsPerSecond >= 1e6) return `${(rowsPerSecond / 1e6).toFixed(2)} M rows/s`;
  if (rowsPerSecond >= 1e3) return `${(rowsPerSecond / 1e3).toFixed(1)} k rows/s`;
  return `${rowsPerSecond.toFixed(0)} rows/s`;
}
