/**
 * Writes to storage in the order they were asked for, each started in the same tick it is asked
 * for when nothing it depends on is pending: a finished epoch is handed to IndexedDB before the
 * page goes on, so a reload right after it keeps it. A write that must wait (the data set, after
 * the browser says it fits) holds back the writes after it; while they wait, a newer value of the
 * same key replaces the older one (only the latest session is worth writing). Pure: the writer
 * is injected, so the ordering is tested in Node.
 */

/** Starts writing `value` under `key` now (synchronously) and resolves when it is stored. */
export type Writer<V> = (key: string, value: V) => Promise<void>;

interface Entry<V> {
  key: string;
  /** The value, or a promise of it (a barrier: later writes wait for it). */
  value: V | Promise<V>;
  ready: boolean;
}

export class CommitQueue<V> {
  private readonly waiting: Entry<V>[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: Error | null = null;

  constructor(
    private readonly write: Writer<V>,
    /** Hears the first failure; later writes are dropped (the session is no longer kept). */
    private readonly onError: (e: Error) => void,
  ) {}

  /** Whether a write failed (nothing more is written). */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** Writes `value` under `key`, now unless an earlier write is still waiting. */
  put(key: string, value: V): void {
    if (this.failure) return;
    const queued = this.waiting.find((e) => e.key === key && e.ready);
    if (queued && this.waiting.indexOf(queued) > this.lastBarrier()) queued.value = value;
    else this.waiting.push({ key, value, ready: true });
    this.pump();
  }

  /** Writes what `value` resolves to; the writes asked for after it wait until it is written. */
  putAfter(key: string, value: Promise<V>): void {
    if (this.failure) return;
    const entry: Entry<V> = { key, value, ready: false };
    this.waiting.push(entry);
    value.then(
      (v) => {
        entry.value = v;
        entry.ready = true;
        this.pump();
      },
      (e: unknown) => this.fail(e),
    );
  }

  /** Resolves when every write asked for so far has been stored (or dropped by a failure). */
  async flush(): Promise<void> {
    while (!this.failure && (this.waiting.length || this.inFlight.size)) {
      const pending = [...this.inFlight];
      if (this.waiting.length && !this.waiting[0].ready)
        pending.push(Promise.resolve(this.waiting[0].value).then(() => undefined));
      await Promise.allSettled(pending);
    }
  }

  /** Index of the last entry still waiting for its value (-1: none). */
  private lastBarrier(): number {
    for (let k = this.waiting.length - 1; k >= 0; k--) if (!this.waiting[k].ready) return k;
    return -1;
  }

  /** Starts every ready write at the head of the queue, in order. */
  private pump(): void {
    while (this.waiting.length && this.waiting[0].ready && !this.failure) {
      const { key, value } = this.waiting.shift()!;
      let done: Promise<void>;
      try {
        done = this.write(key, value as V);
      } catch (e) {
        this.fail(e);
        return;
      }
      this.inFlight.add(done);
      done.then(
        () => this.inFlight.delete(done),
        (e: unknown) => {
          this.inFlight.delete(done);
          this.fail(e);
        },
      );
    }
  }

  private fail(e: unknown): void {
    if (this.failure) return;
    this.failure = e instanceof Error ? e : new Error(String(e));
    this.waiting.length = 0;
    this.onError(this.failure);
  }
}
