/**
 * String ids -> dense indices, looked up straight from a range of the text being parsed: a row
 * whose id was seen before allocates no string at all, which is most rows of a ratings file
 * (a million rows typically hold ~100k users and ~20k items). At that size the lookups are bound
 * by cache misses, so each probe touches one slot holding both key and index, and plain numeric
 * ids (the usual case) are compared as numbers, never reaching the id strings.
 */
const EMPTY = 0;

export class IdTable {
  /** Index -> id, in order of first appearance. */
  readonly ids: string[] = [];
  /**
   * Two open-addressing tables, each at most half full, of [key, index + 1] pairs (0 = empty):
   * canonical integers ("0", "42"; not "042" or "+1", which are other ids) of up to 9 digits
   * keyed by their value, and all other ids keyed by a hash of their characters.
   */
  private numbers = new Int32Array(2048);
  private numberCount = 0;
  private strings = new Int32Array(2048);
  private stringCount = 0;

  get size(): number {
    return this.ids.length;
  }

  /** The index of the id `text[start, end)`, added when new. */
  intern(text: string, start: number, end: number): number {
    const len = end - start;
    if (len > 0 && len <= 9) {
      let value = text.charCodeAt(start) - 0x30;
      let k = start + 1;
      if (value >= 1 && value <= 9) {
        for (; k < end; k++) {
          const d = text.charCodeAt(k) - 0x30;
          if (d < 0 || d > 9) break;
          value = value * 10 + d;
        }
      } else if (value !== 0 || len !== 1) {
        k = -1;
      }
      if (k === end) return this.internNumber(value, text, start, end);
    }
    return this.internString(text, start, end);
  }

  private internNumber(value: number, text: string, start: number, end: number): number {
    const table = this.numbers;
    const mask = (table.length >> 1) - 1;
    for (let s = mix(value); ; s++) {
      const at = (s & mask) << 1;
      const entry = table[at + 1];
      if (entry === EMPTY) {
        const index = this.add(text, start, end);
        table[at] = value;
        table[at + 1] = index + 1;
        if (2 * ++this.numberCount > mask) this.numbers = grow(table, mix);
        return index;
      }
      if (table[at] === value) return entry - 1;
    }
  }

  private internString(text: string, start: number, end: number): number {
    let h = 0x811c9dc5 | 0; // FNV-1a over UTF-16 code units, as int32 like the stored keys
    for (let k = start; k < end; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
    const table = this.strings;
    const mask = (table.length >> 1) - 1;
    for (let s = h; ; s++) {
      const at = (s & mask) << 1;
      const entry = table[at + 1];
      if (entry === EMPTY) {
        const index = this.add(text, start, end);
        table[at] = h;
        table[at + 1] = index + 1;
        if (2 * ++this.stringCount > mask) this.strings = grow(table, (v) => v);
        return index;
      }
      if (table[at] === h && sameChars(this.ids[entry - 1], text, start, end)) return entry - 1;
    }
  }

  private add(text: string, start: number, end: number): number {
    this.ids.push(detach(text, start, end));
    return this.ids.length - 1;
  }
}

/** Spreads nearby or patterned numbers (ids 1000, 2000, ...) over the table's low bits. */
function mix(value: number): number {
  const h = Math.imul(value ^ (value >>> 16), 0x45d9f3b);
  return h ^ (h >>> 16);
}

/** The same pairs in a table twice the size; `slot(key)` gives a key's first slot. */
function grow(
  table: Int32Array<ArrayBuffer>,
  slot: (key: number) => number,
): Int32Array<ArrayBuffer> {
  const next = new Int32Array(table.length * 2);
  const mask = (next.length >> 1) - 1;
  for (let at = 0; at < table.length; at += 2) {
    if (table[at + 1] === EMPTY) continue;
    let s = slot(table[at]);
    while (next[((s & mask) << 1) + 1] !== EMPTY) s++;
    next[(s & mask) << 1] = table[at];
    next[((s & mask) << 1) + 1] = table[at + 1];
  }
  return next;
}

function sameChars(id: string, text: string, start: number, end: number): boolean {
  if (id.length !== end - start) return false;
  for (let k = 0; k < id.length; k++)
    if (id.charCodeAt(k) !== text.charCodeAt(start + k)) return false;
  return true;
}

/**
 * `text.slice(start, end)` that does not keep `text` alive: V8 makes slices of 13+ characters
 * views into their parent, and an id kept for the whole session must not pin a 1 MB chunk of the
 * file. Concatenating then slicing forces a flat copy.
 */
function detach(text: string, start: number, end: number): string {
  const id = text.slice(start, end);
  return id.length < 13 ? id : (' ' + id).slice(1);
}
