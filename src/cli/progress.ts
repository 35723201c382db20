/**
 * Progress on a terminal stream (stderr): on a TTY one line redrawn in place with `\r`; elsewhere
 * (CI logs, pipes) only the lines that mark a milestone, so a log stays readable.
 */

/** What is used of a Node write stream (process.stderr), so tests can pass a fake one. */
export interface Terminal {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Redraws at most this often: a terminal cannot show more and writing costs time. */
const REDRAW_MS = 100;

export class Progress {
  private drawn = false;
  private last = -Infinity;

  constructor(
    private readonly out: Terminal,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get live(): boolean {
    return !!this.out.isTTY;
  }

  /** Replaces the live line (TTY only; throttled unless `force`). */
  update(text: string, force = false): void {
    if (!this.live) return;
    const t = this.now();
    if (!force && t - this.last < REDRAW_MS) return;
    this.last = t;
    // A pseudo-terminal may report 0 columns: treat it as unknown.
    const width = Math.max(20, (this.out.columns || 80) - 1);
    // Clip rather than wrap: a wrapped line cannot be redrawn with `\r`.
    this.out.write(`\r${text.length > width ? text.slice(0, width) : text}\x1b[K`);
    this.drawn = true;
  }

  /** A line that stays (clears the live line first on a TTY). */
  line(text: string): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
    this.out.write(`${text}\n`);
  }

  /** Ends the live line, leaving nothing behind. */
  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}

/** `[=========>          ]` for a fraction in [0, 1]. */
export function bar(fraction: number, width = 24): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const full = Math.round(f * width);
  if (full >= width) return `[${'='.repeat(width)}]`;
  return `[${'='.repeat(full)}>${' '.repeat(width - full - 1)}]`;
}

const thousands = new Intl.NumberFormat('en-US');

/** 1234567 -> "1,234,567". */
export const count = (n: number): string => thousands.format(Math.round(n));

/** "1 epoch", "2 epochs". */
export const plural = (n: number, word: string): string =>
  `${count(n)} ${word}${n === 1 ? '' : 's'}`;

/** Bytes in B / kB / MB / GB (powers of 1000, as file managers show). */
export function bytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** Seconds as "42 s", "3 min 05 s" or "1 h 02 min". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
