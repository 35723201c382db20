/**
 * Field values read straight from a range of the parsed text, with exactly the results of
 * `Number(field.trim())` and `field.trim()`, but without a substring per field on the common path.
 */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;
/** Powers of ten that are exact doubles (10^22 is the last). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** The first index of `text[start, end)` after leading `trim` whitespace. */
export function trimStart(text: string, start: number, end: number): number {
  while (start < end && isTrimSpace(text.charCodeAt(start))) start++;
  return start;
}

/** The end of `text[start, end)` before trailing `trim` whitespace. */
export function trimEnd(text: string, start: number, end: number): number {
  while (end > start && isTrimSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

/**
 * `[+-]digits[.digits]` with at most 15 digits, else NaN. Exact: the digits form an integer
 * m < 2^53 and 10^k is an exact double, so `m / 10^k` is one correctly rounded division, the same
 * double `Number` returns (Clinger's fast path).
 */
function plainDecimal(text: string, start: number, end: number): number {
  let i = start;
  let c = text.charCodeAt(i);
  const negative = c === 0x2d;
  if (negative || c === 0x2b) i++;
  let m = 0;
  let digits = 0;
  let fraction = -1; // digits after the point, -1 before one is seen
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      m = m * 10 + (c - 0x30);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === 0x2e && fraction < 0) {
      fraction = 0;
    } else {
      return NaN;
    }
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = fraction > 0 ? m / POW10[fraction] : m;
  return negative ? -v : v;
}

/** A finite number, or NaN for anything else (including "", which `Number` reads as 0). */
export function readNumber(text: string, start: number, end: number): number {
  start = trimStart(text, start, end);
  end = trimEnd(text, start, end);
  if (start === end) return NaN;
  const fast = plainDecimal(text, start, end);
  if (!Number.isNaN(fast)) return fast;
  const v = Number(text.slice(start, end)); // exponents, hex, more digits...
  return Number.isFinite(v) ? v : NaN;
}

/** Numbers are kept in the file's unit; ISO dates become epoch seconds, MovieLens's unit. */
export function readTimestamp(text: string, start: number, end: number): number {
  const v = readNumber(text, start, end);
  if (!Number.isNaN(v)) return v;
  const t = text.slice(start, end).trim();
  if (!ISO_DATE.test(t)) return NaN;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms / 1000 : NaN;
}

/** Whether `text[start, end)` is empty for `String.prototype.trim`. */
export function isBlankRange(text: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (!isTrimSpace(text.charCodeAt(k))) return false;
  return true;
}

/** Exactly the characters `String.prototype.trim` removes (WhiteSpace and LineTerminator). */
export function isTrimSpace(c: number): boolean {
  if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) return true;
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}
