type NumericArray = Int32Array | Uint32Array | Float32Array | Float64Array;

/** Entries per chunk once the array is large: 1M entries (4 or 8 MB), so growth never copies. */
const MAX_CHUNK = 1 << 20;

/**
 * An append-only typed array, so a parser can collect one number per row without knowing the row
 * count up front and without an object per row.
 *
 * Entries go into chunks (the first small, doubling up to MAX_CHUNK) rather than one buffer that
 * doubles: a doubling buffer needs old + new (3x the data) at each growth and leaves up to 2x
 * spare capacity, which at 25M rows is hundreds of MB. Chunks hold at most one chunk spare, and
 * `toArray` needs the data plus one copy.
 */
export class GrowableArray<T extends NumericArray> {
  private readonly chunks: T[] = [];
  private current: T;
  private used = 0;
  private size = 0;

  constructor(
    private readonly ctor: new (length: number) => T,
    initialCapacity = 1024,
  ) {
    this.current = new ctor(Math.max(1, Math.min(initialCapacity, MAX_CHUNK)));
  }

  get length(): number {
    return this.size;
  }

  push(value: number): void {
    if (this.used === this.current.length) {
      this.chunks.push(this.current);
      this.current = new this.ctor(Math.min(this.current.length * 2, MAX_CHUNK));
      this.used = 0;
    }
    this.current[this.used++] = value;
    this.size++;
  }

  /** Calls `f` on each entry in order (no copy). */
  forEach(f: (value: number, index: number) => void): void {
    let index = 0;
    for (const chunk of [...this.chunks, this.current.subarray(0, this.used) as T])
      for (let k = 0; k < chunk.length; k++) f(chunk[k], index++);
  }

  /** A trimmed copy of exactly `length` entries (no buffer is shared with the builder). */
  toArray(): T {
    const out = new this.ctor(this.size);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    out.set(this.current.subarray(0, this.used), at);
    return out;
  }

  /**
   * Like `toArray`, but frees the chunks as they are copied and leaves the array empty: the peak
   * is the data plus one copy, chunk by chunk, instead of two full copies.
   */
  drain(): T {
    const out = new this.ctor(this.size);
    let at = 0;
    while (this.chunks.length) {
      const chunk = this.chunks.shift()!;
      out.set(chunk, at);
      at += chunk.length;
    }
    out.set(this.current.subarray(0, this.used), at);
    this.current = new this.ctor(1);
    this.used = 0;
    this.size = 0;
    return out;
  }
}
