type NumericArray = Int32Array | Float32Array | Float64Array;

/**
 * An append-only typed array that doubles its capacity when full, so a parser can collect one
 * number per row without knowing the row count up front and without an object per row.
 */
export class GrowableArray<T extends NumericArray> {
  private data: T;
  private size = 0;

  constructor(
    private readonly ctor: new (length: number) => T,
    initialCapacity = 1024,
  ) {
    this.data = new ctor(Math.max(1, initialCapacity));
  }

  get length(): number {
    return this.size;
  }

  push(value: number): void {
    if (this.size === this.data.length) {
      const next = new this.ctor(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.size++] = value;
  }

  /** A trimmed copy of exactly `length` entries (the backing buffer is not shared). */
  toArray(): T {
    const out = new this.ctor(this.size);
    out.set(this.data.subarray(0, this.size));
    return out;
  }
}
