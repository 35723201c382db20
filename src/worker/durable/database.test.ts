import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, joinLarge, splitLarge } from './database';

/** Same type, length and values (vitest's deep equality on arrays this size runs out of memory). */
function same(a: ArrayLike<number> & object, b: ArrayLike<number> & object): boolean {
  if (a.constructor !== b.constructor || a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** The parts' arrays by key, each made as putValue makes it. */
function made(parts: ReturnType<typeof splitLarge>['parts']): Parameters<typeof joinLarge>[1] {
  return new Map(parts.map(([k, part]) => [k, part()]));
}

describe('large values in parts (Chromium stores at most about 127 MB a value)', () => {
  it('stores each typed array above CHUNK_BYTES in parts and puts it back together', () => {
    const n = CHUNK_BYTES / 4 + 1000; // just over one part
    const user = Int32Array.from({ length: n }, (_, k) => k * 7);
    const timestamp = Float64Array.from({ length: CHUNK_BYTES / 8 + 10 }, (_, k) => k + 0.5);
    const small = new Float32Array([1, 2, 3]);
    const dataset = {
      name: 'big.csv',
      user,
      timestamp,
      small,
      ids: ['a', 'b'],
      nested: [{ user }],
    };
    const { value, parts } = splitLarge('dataset', dataset);
    // 2 parts each: user (once: the nested reference to it stays shared), timestamp.
    expect(parts.map(([k]) => k)).toEqual(Array.from({ length: 4 }, (_, k) => `dataset#${k}`));
    parts.forEach(([, p]) => expect(p().byteLength).toBeLessThanOrEqual(CHUNK_BYTES));
    const stored = value as Record<string, unknown>;
    expect(stored.user).toEqual({
      chunked: 'Int32Array',
      length: n,
      keys: ['dataset#0', 'dataset#1'],
    });
    expect((stored.nested as { user: unknown }[])[0].user).toBe(stored.user);
    // What is small is kept as it is, and the input is not changed.
    expect(stored.small).toBe(small);
    expect(stored.ids).toBe(dataset.ids);
    expect(dataset.user).toBe(user);

    const back = joinLarge(structuredClone(value), made(parts)) as typeof dataset;
    expect(same(back.user, user)).toBe(true);
    expect(same(back.timestamp, timestamp)).toBe(true);
    expect(same(back.nested[0].user, user)).toBe(true);
    expect(back.small).toEqual(small);
  });

  it('stores copies of shared arrays (IndexedDB refuses shared memory), large ones in parts', () => {
    const sharedOf = (n: number) => {
      const a = new Int32Array(new SharedArrayBuffer(n * 4));
      for (let k = 0; k < n; k++) a[k] = k;
      return a;
    };
    const small = sharedOf(10);
    expect(small.buffer).toBeInstanceOf(SharedArrayBuffer);
    const large = sharedOf(CHUNK_BYTES / 4 + 5);
    const { value, parts } = splitLarge('d', { small, large });
    const stored = value as { small: Int32Array; large: unknown };
    expect(stored.small).not.toBe(small);
    expect(stored.small.buffer).toBeInstanceOf(ArrayBuffer);
    expect([...stored.small]).toEqual([...small]);
    parts.forEach(([, p]) => expect(p().buffer).toBeInstanceOf(ArrayBuffer));
    const back = joinLarge(structuredClone(value), made(parts)) as { large: Int32Array };
    expect(same(back.large, large)).toBe(true);
  });

  it('says which part is missing', () => {
    const { value, parts } = splitLarge('s', { a: new Uint8Array(CHUNK_BYTES + 1) });
    expect(() => joinLarge(value, made(parts.slice(1)))).toThrow(/part s#0 is missing/);
  });
});
