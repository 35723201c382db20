/**
 * Timestamp columns in 4 bytes a row where they fit: Unix seconds (every MovieLens and Last.fm
 * file) are whole numbers below 2^32, so a Uint32Array holds them exactly and a row costs 16 bytes
 * (user, item, rating, timestamp) instead of 20. Anything else (milliseconds, fractions, dates
 * before 1970) widens the column to Float64Array once, keeping every value exact.
 */
import { GrowableArray } from '../util/growable';
import type { Timestamps } from './types';

const fitsUint32 = (v: number) => v >= 0 && v <= 0xffffffff && Number.isInteger(v);

export class TimestampBuilder {
  private narrow: GrowableArray<Uint32Array> | null = new GrowableArray(Uint32Array);
  private wide: GrowableArray<Float64Array> | null = null;

  get length(): number {
    return (this.narrow ?? this.wide)!.length;
  }

  push(value: number): void {
    if (this.narrow) {
      if (fitsUint32(value)) return this.narrow.push(value);
      this.wide = new GrowableArray(Float64Array, Math.max(1024, this.narrow.length * 2));
      this.narrow.forEach((v) => this.wide!.push(v));
      this.narrow = null;
    }
    this.wide!.push(value);
  }

  /** The column (see GrowableArray.drain); the builder is empty after. */
  drain(): Timestamps {
    return this.narrow ? this.narrow.drain() : this.wide!.drain();
  }
}

/** A new column of `t`'s type with `length` entries, `value(j)` each (values taken from `t`). */
export function timestampsLike(t: Timestamps, length: number, value: (j: number) => number) {
  const out = t instanceof Uint32Array ? new Uint32Array(length) : new Float64Array(length);
  for (let j = 0; j < length; j++) out[j] = value(j);
  return out;
}
