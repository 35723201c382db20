/**
 * `value` with each typed array (any ArrayBufferView but a DataView) replaced by what `replace`
 * returns for it. Plain objects and arrays on the way are rebuilt only where something inside
 * them changed (a long array of strings or small records is walked without allocating); a view
 * or container met twice is replaced once, so shared references stay shared. Other objects
 * (Date, Map, ...) are kept as they are. The input is not changed.
 */
export function mapViews(value: unknown, replace: (v: ArrayBufferView) => unknown): unknown {
  const done = new Map<object, unknown>();
  const visit = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (done.has(v)) return done.get(v);
    let out: unknown = v;
    if (ArrayBuffer.isView(v)) {
      if (!(v instanceof DataView)) out = replace(v);
    } else if (Array.isArray(v)) {
      let items: unknown[] | null = null;
      for (let k = 0; k < v.length; k++) {
        const x: unknown = v[k];
        const y = typeof x === 'object' && x !== null ? visit(x) : x;
        if (y !== x && !items) items = v.slice();
        if (items) items[k] = y;
      }
      if (items) out = items;
    } else if (isPlain(v)) {
      const record = v as Record<string, unknown>;
      let rebuilt: Record<string, unknown> | null = null;
      for (const k of Object.keys(record)) {
        const x = record[k];
        const y = typeof x === 'object' && x !== null ? visit(x) : x;
        if (y !== x && !rebuilt) rebuilt = { ...record };
        if (rebuilt) rebuilt[k] = y;
      }
      if (rebuilt) out = rebuilt;
    }
    done.set(v, out);
    return out;
  };
  return visit(value);
}

/** A plain object (an object literal or a null-prototype one). */
export function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
